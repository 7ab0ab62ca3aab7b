/* fs/p9.h — the 9P2000.L client, in three layers (docs/9p.md):
 *
 *   fs/9pfs.c          the "9p" filesystem: VFS operations in terms of the client's calls
 *   fs/p9_client.c     one session per device: Tversion/msize, tags, fids, one call per operation, 0/-errno
 *   fs/p9_proto.c      pure message encoding and bounds-checked decoding (also built on the host: unit tests)
 *   drivers/virtio_9p.c the transport: one request at a time over a virtio-9p device's queue
 *
 * Wire format (9P2000.L, little endian): size[4] type[1] tag[2] then the message's fields; a string is
 * len[2] bytes (no NUL); a qid is type[1] version[4] path[8]. An R-message's type is its T-message's + 1;
 * any request may instead be answered by Rlerror ecode[4], a Linux errno. */
#ifndef SKIFF_P9_H
#define SKIFF_P9_H
#include "../kernel/kernel.h"
#include "vfs.h"

enum p9_type {
    P9_TLERROR = 6, P9_RLERROR = 7,
    P9_TSTATFS = 8, P9_RSTATFS = 9,
    P9_TLOPEN = 12, P9_RLOPEN = 13,
    P9_TLCREATE = 14, P9_RLCREATE = 15,
    P9_TSYMLINK = 16, P9_RSYMLINK = 17,
    P9_TMKNOD = 18, P9_RMKNOD = 19,
    P9_TREADLINK = 22, P9_RREADLINK = 23,
    P9_TGETATTR = 24, P9_RGETATTR = 25,
    P9_TSETATTR = 26, P9_RSETATTR = 27,
    P9_TXATTRWALK = 30, P9_RXATTRWALK = 31,
    P9_TXATTRCREATE = 32, P9_RXATTRCREATE = 33,
    P9_TREADDIR = 40, P9_RREADDIR = 41,
    P9_TFSYNC = 50, P9_RFSYNC = 51,
    P9_TLINK = 70, P9_RLINK = 71,
    P9_TMKDIR = 72, P9_RMKDIR = 73,
    P9_TRENAMEAT = 74, P9_RRENAMEAT = 75,
    P9_TUNLINKAT = 76, P9_RUNLINKAT = 77,
    P9_TVERSION = 100, P9_RVERSION = 101,
    P9_TATTACH = 104, P9_RATTACH = 105,
    P9_TFLUSH = 108, P9_RFLUSH = 109,
    P9_TWALK = 110, P9_RWALK = 111,
    P9_TREAD = 116, P9_RREAD = 117,
    P9_TWRITE = 118, P9_RWRITE = 119,
    P9_TCLUNK = 120, P9_RCLUNK = 121,
};

#define P9_HDR 7                 /* size[4] type[1] tag[2] */
#define P9_IOHDR 24              /* Twrite's header before its data (23), rounded: what msize leaves for data */
#define P9_QID_SIZE 13
#define P9_NOTAG 0xffffu
#define P9_NOFID 0xffffffffu
#define P9_MAXWELEM 16           /* names in one Twalk */
#define P9_MIN_MSIZE 4096

#define P9_QTDIR 0x80
#define P9_QTSYMLINK 0x02

/* Tgetattr request_mask / Rgetattr valid. */
#define P9_GETATTR_BASIC 0x7ffull /* mode nlink uid gid rdev atime mtime ctime ino size blocks */

/* Tsetattr valid. */
#define P9_SETATTR_MODE 0x1u
#define P9_SETATTR_UID 0x2u
#define P9_SETATTR_GID 0x4u
#define P9_SETATTR_SIZE 0x8u
#define P9_SETATTR_ATIME 0x10u       /* to the server's current time, unless ATIME_SET */
#define P9_SETATTR_MTIME 0x20u
#define P9_SETATTR_CTIME 0x40u
#define P9_SETATTR_ATIME_SET 0x80u   /* to the given atime */
#define P9_SETATTR_MTIME_SET 0x100u

#define P9_AT_REMOVEDIR 0x200u       /* Tunlinkat flags: Linux's AT_REMOVEDIR */

struct p9_qid {
    u8 type;
    u32 version;
    u64 path;                    /* the server's unique number for the file: our inode number */
};

struct p9_attr {                 /* Rgetattr */
    u64 valid;
    struct p9_qid qid;
    u32 mode, uid, gid;
    u64 nlink, rdev, size, blksize, blocks;
    u64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    u64 btime_sec, btime_nsec, gen, data_version;
};

struct p9_setattr {              /* Tsetattr */
    u32 valid, mode, uid, gid;
    u64 size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct p9_statfs {               /* Rstatfs */
    u32 type, bsize;
    u64 blocks, bfree, bavail, files, ffree, fsid;
    u32 namelen;
};

struct p9_dirent {               /* one entry of Rreaddir's data */
    struct p9_qid qid;
    u64 offset;                  /* the cookie that continues after this entry */
    u8 type;                     /* DT_* */
    const char *name;            /* points into the message: not NUL-terminated */
    u16 namelen;
};

/* A message being built (len grows up to cap) or read (pos moves up to len). Any access out of bounds sets
 * bad and reads as zero, so a decoder checks once, at the end (p9_end). */
struct p9_buf {
    u8 *data;
    u32 cap, len, pos;
    bool bad;
};

/* --- fs/p9_proto.c: encoding. Each returns the message's length, or -EMSGSIZE when it does not fit. --- */
void p9_buf_init(struct p9_buf *b, void *data, u32 cap);
int p9_tversion(struct p9_buf *b, u16 tag, u32 msize, const char *version);
int p9_tattach(struct p9_buf *b, u16 tag, u32 fid, u32 afid, const char *uname, const char *aname, u32 n_uname);
int p9_twalk(struct p9_buf *b, u16 tag, u32 fid, u32 newfid, u16 nwname, const char *const *names);
int p9_tlopen(struct p9_buf *b, u16 tag, u32 fid, u32 flags);
int p9_tlcreate(struct p9_buf *b, u16 tag, u32 fid, const char *name, u32 flags, u32 mode, u32 gid);
int p9_tread(struct p9_buf *b, u16 tag, u32 fid, u64 offset, u32 count);
int p9_twrite(struct p9_buf *b, u16 tag, u32 fid, u64 offset, const void *data, u32 count);
int p9_tgetattr(struct p9_buf *b, u16 tag, u32 fid, u64 mask);
int p9_tsetattr(struct p9_buf *b, u16 tag, u32 fid, const struct p9_setattr *a);
int p9_treaddir(struct p9_buf *b, u16 tag, u32 fid, u64 offset, u32 count);
int p9_tmkdir(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 mode, u32 gid);
int p9_tunlinkat(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 flags);
int p9_trenameat(struct p9_buf *b, u16 tag, u32 olddfid, const char *oldname, u32 newdfid, const char *newname);
int p9_tsymlink(struct p9_buf *b, u16 tag, u32 dfid, const char *name, const char *target, u32 gid);
int p9_tlink(struct p9_buf *b, u16 tag, u32 dfid, u32 fid, const char *name);
int p9_tmknod(struct p9_buf *b, u16 tag, u32 dfid, const char *name, u32 mode, u32 major, u32 minor, u32 gid);
int p9_tfsync(struct p9_buf *b, u16 tag, u32 fid, u32 datasync);
int p9_tflush(struct p9_buf *b, u16 tag, u16 oldtag);
/* xattrs: Txattrwalk makes newfid read name's value (name "": the list of names); Txattrcreate turns fid into
 * one whose writes make the value, set (size 0: removed) when it is clunked */
int p9_txattrwalk(struct p9_buf *b, u16 tag, u32 fid, u32 newfid, const char *name);
int p9_txattrcreate(struct p9_buf *b, u16 tag, u32 fid, const char *name, u64 size, u32 flags);
/* Treadlink, Tstatfs, Tclunk: a fid and nothing else. */
int p9_tfid(struct p9_buf *b, u8 type, u16 tag, u32 fid);

/* --- decoding. The buffer holds what the device wrote (len bytes). Each returns 0, or -EPROTO when the
 * message is short, long, or says more than it holds. --- */
int p9_rheader(struct p9_buf *b, u8 *type, u16 *tag);  /* checks size[4] against len; leaves pos after tag */
int p9_rlerror(struct p9_buf *b, u32 *ecode);
int p9_rversion(struct p9_buf *b, u32 *msize, char *version, u32 cap);
int p9_rqid(struct p9_buf *b, struct p9_qid *qid);     /* Rattach, Rmkdir, Rsymlink, Rmknod */
int p9_ropen(struct p9_buf *b, struct p9_qid *qid, u32 *iounit); /* Rlopen, Rlcreate */
int p9_rwalk(struct p9_buf *b, u16 *nwqid, struct p9_qid *qids, u16 max);
int p9_rread(struct p9_buf *b, u32 *count, const u8 **data); /* Rread and Rreaddir */
int p9_rwrite(struct p9_buf *b, u32 *count);
int p9_rgetattr(struct p9_buf *b, struct p9_attr *a);
int p9_rstatfs(struct p9_buf *b, struct p9_statfs *s);
int p9_rxattrwalk(struct p9_buf *b, u64 *size);
int p9_rreadlink(struct p9_buf *b, char *target, u32 cap); /* NUL-terminated; -ENAMETOOLONG past cap */
int p9_rempty(struct p9_buf *b);                       /* a reply with no fields (Rclunk, Rsetattr, ...) */
/* The next entry of Rreaddir's data (data, len): 1 and *e, 0 at the end, -EPROTO for a damaged entry. */
int p9_dirent_next(const u8 *data, u32 len, u32 *pos, struct p9_dirent *e);

/* --- drivers/virtio_9p.c: the transport. rpc sends t (tlen bytes) and waits for the answer in r (at most
 * rcap bytes); both must be physically contiguous. 0 and *rlen, or -EIO when the device is broken or does
 * not answer in time. --- */
struct p9_trans {
    const char *tag;             /* the mount tag the host gave the device */
    int (*rpc)(struct p9_trans *t, const void *req, u32 tlen, void *resp, u32 rcap, u32 *rlen);
    void *priv;
    struct p9_client *client;    /* the session on this device, made at first mount (one per device) */
};
struct p9_trans *p9_trans_find(const char *tag);
void p9_trans_list(char *buf, size_t size);            /* the tags present, for error messages */

/* --- fs/p9_client.c: a session. Every call returns 0 (or a byte count) or -errno: the server's Rlerror
 * errno as it is, -EIO for a transport or protocol failure. Calls are serialized per session: one request
 * is at the device at a time, and the caller sleeps (other tasks run) until its answer. --- */
struct p9_client {
    struct p9_trans *trans;
    u32 msize;                   /* negotiated: no message either way is longer */
    u8 *tbuf, *rbuf;             /* msize bytes each, physically contiguous (the device reads/writes them) */
    u32 buf_pages;
    u16 next_tag, cur_tag;
    void *owner;                 /* the task whose request is in flight (NULL: free) */
    u32 *free_fids;              /* clunked fids, reused first */
    u32 nfree, free_cap;
    u32 next_fid;
    u32 fids_in_use;
    u32 waiters;                 /* tasks sleeping in start() for the session */
    u32 *later, nlater, later_cap; /* fids to clunk once no task can still hold their numbers */
    u64 requests, errors;
};

struct p9_client *p9_client_get(struct p9_trans *t); /* the device's session, negotiated on first use */
u32 p9_fid_alloc(struct p9_client *c);
void p9_fid_free(struct p9_client *c, u32 fid);      /* a fid the server never made (a failed walk) */
int p9_attach(struct p9_client *c, u32 fid, const char *aname, u32 uid, struct p9_qid *qid);
/* Walks from fid by n names (0: clones) to a new fid newfid; -ENOENT when a name is missing. */
int p9_walk(struct p9_client *c, u32 fid, u32 newfid, u16 n, const char *const *names, struct p9_qid *qid);
int p9_lopen(struct p9_client *c, u32 fid, u32 flags, struct p9_qid *qid, u32 *iounit);
int p9_lcreate(struct p9_client *c, u32 fid, const char *name, u32 flags, u32 mode, u32 gid, struct p9_qid *qid);
long p9_read(struct p9_client *c, u32 fid, u64 off, void *buf, size_t count);
long p9_write(struct p9_client *c, u32 fid, u64 off, const void *buf, size_t count);
int p9_getattr(struct p9_client *c, u32 fid, u64 mask, struct p9_attr *a);
int p9_setattr(struct p9_client *c, u32 fid, const struct p9_setattr *a);
long p9_readdir(struct p9_client *c, u32 fid, u64 off, void *buf, u32 count);
int p9_mkdir(struct p9_client *c, u32 dfid, const char *name, u32 mode, u32 gid, struct p9_qid *qid);
int p9_unlinkat(struct p9_client *c, u32 dfid, const char *name, u32 flags);
int p9_renameat(struct p9_client *c, u32 olddfid, const char *oldname, u32 newdfid, const char *newname);
int p9_symlink(struct p9_client *c, u32 dfid, const char *name, const char *target, u32 gid, struct p9_qid *qid);
int p9_link(struct p9_client *c, u32 dfid, u32 fid, const char *name);
int p9_mknod(struct p9_client *c, u32 dfid, const char *name, u32 mode, u32 rdev, u32 gid, struct p9_qid *qid);
int p9_readlink(struct p9_client *c, u32 fid, char *buf, u32 cap);
int p9_fsync(struct p9_client *c, u32 fid, bool datasync);
int p9_statfs(struct p9_client *c, u32 fid, struct p9_statfs *s);
int p9_xattrwalk(struct p9_client *c, u32 fid, u32 newfid, const char *name, u64 *size);
int p9_xattrcreate(struct p9_client *c, u32 fid, const char *name, u64 size, u32 flags);
int p9_clunk(struct p9_client *c, u32 fid);          /* the fid is free afterwards, whatever the server says */
/* A fid other tasks may have read and be about to use (an inode's fid replaced while they wait for the
 * session): clunked, and its number freed, only when the session is next idle with nobody waiting. */
void p9_clunk_later(struct p9_client *c, u32 fid);

/* --- fs/9pfs.c and fs/9pfs_data.c: the 9p filesystem's own state (the VFS sees only inode->fs). --- */
#define P9FS_HASH 256
struct p9sb {                    /* a mounted 9p superblock */
    struct p9_client *c;
    struct inode *hash[P9FS_HASH]; /* the inode cache, by qid.path */
};

struct p9ino {                   /* inode->fs */
    u32 fid;                     /* walked, never opened: the handle for walk/getattr/setattr/create */
    u32 io_fid;                  /* opened (read-write, else read-only) for the page cache; P9_NOFID until used */
    u32 dir_fid;                 /* directories: opened for Treaddir; P9_NOFID until used */
    bool io_rdonly;
    bool hashed;
    bool mapped_writable;        /* a shared writable mapping has (had) its pages: write them back */
    struct inode *hnext;
};

struct p9file {                  /* file->priv of an open regular file: its own fid, with the file's access mode */
    u32 fid;
};

static inline struct p9sb *p9fs_sb(struct inode *ino) { return ino->sb->priv; }
static inline struct p9ino *p9fs_ino(struct inode *ino) { return ino->fs; }
static inline struct p9_client *p9fs_client(struct inode *ino) { return p9fs_sb(ino)->c; }

extern const struct inode_ops p9fs_iops;
extern const struct file_ops p9fs_file_ops, p9fs_dir_ops;
int p9fs_open_fid(struct inode *ino, u32 flags, u32 *out);   /* an extra fid on ino, opened with flags */
int p9fs_getattr(struct inode *ino);
/* 9pfs_xattr.c: extended attributes on the host (inode_ops) */
long p9fs_getxattr(struct inode *ino, const char *name, void *kbuf, size_t size);
long p9fs_listxattr(struct inode *ino, char *kbuf, size_t size);
int p9fs_setxattr(struct inode *ino, const char *name, const void *value, size_t len, int flags);
void p9fs_cache_truncate(struct inode *ino, u64 size);
ssize_t p9fs_kread(struct inode *ino, void *kbuf, size_t n, u64 off);
u8 *p9fs_page(struct inode *ino, u64 pos);
int p9fs_writeback(struct inode *ino);
int p9fs_fsync(struct inode *ino, bool datasync);

#endif
