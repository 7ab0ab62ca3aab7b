/* test/elf/target.c — the program the ELF mutants are made from: touches its data and bss, exits 7. */
static int data = 5;
static char bss[20000];

int main(void)
{
    bss[0] = 1, bss[sizeof(bss) - 1] = 1;
    return data + bss[0] + bss[sizeof(bss) - 1];
}
