/* w2_fs.c - wasi:filesystem for WASI 0.2: descriptors, directory streams and preopens, each
 * operation a preview 1 call on the descriptor's preview 1 fd, so the preview 1 sandbox and
 * grants apply unchanged (escapes come back as not-permitted). */
#include "w2.h"

#include <stdlib.h>
#include <string.h>

/* Preview 1 rights (witx bits) that decide a file's access mode. */
#define R_DATASYNC ((uint64_t)1 << 0)
#define R_READ ((uint64_t)1 << 1)
#define R_WRITE ((uint64_t)1 << 6)
#define R_ALLOCATE ((uint64_t)1 << 8)
#define R_READDIR ((uint64_t)1 << 14)
#define R_SET_SIZE ((uint64_t)1 << 22)
#define R_ALL (((uint64_t)1 << 28) - 1)   /* every right but the socket ones */

/* descriptor-flags bits, in WIT order. */
enum { DF_READ = 1, DF_WRITE = 2, DF_FILE_SYNC = 4, DF_DATA_SYNC = 8, DF_RSYNC = 16,
       DF_MUTATE_DIR = 32 };

/* Preview 1 filetype -> descriptor-type (unknown, block-device, character-device, directory,
 * fifo, symbolic-link, regular-file, socket). */
static const uint8_t type_map[8] = {0, 1, 2, 3, 6, 7, 7, 5};

static uint32_t dtype(uint8_t p1type) { return p1type < 8 ? type_map[p1type] : 0; }

/* The descriptor of args[i] (a borrow), or NULL after a trap. */
static w2_desc_t *desc_arg(swasm_wasi2_t *w, const swasm_cval_t *args, int i,
                           swasm_error_t *err) {
  return w2_get(w, W2_T_DESC, args[i].u.handle, err);
}

/* Reading or writing a directory, or a file opened without read or write, is
 * bad-descriptor, as Wasmtime has it (preview 1 would say not-permitted, later). */
enum { BADF = 8 };
static int need(const w2_desc_t *d, uint64_t flag) {
  return d->flags & flag && !d->is_dir ? W2_E_SUCCESS : BADF;
}

/* A new descriptor of preview 1 fd fd; take: the fd was just opened for it (closed on
 * failure), else it is shared (a preopen). */
static uint32_t new_desc(swasm_wasi2_t *w, uint32_t fd, uint64_t flags, bool is_dir,
                         bool take, swasm_error_t *err) {
  w2_desc_t *d = calloc(1, sizeof *d);
  if (!d || (!take && !w2_fd_ref(w, fd))) {
    free(d);
    w2_trap(err, "out of memory");
    return 0;
  }
  if (take && !w2_fd_ref(w, fd)) {
    free(d);
    w2_p1(w, W2_P1_fd_close, (uint64_t[]){fd});
    w2_trap(err, "out of memory");
    return 0;
  }
  d->fd = fd;
  d->flags = flags;
  d->is_dir = is_dir;
  uint32_t rep = w2_add(w, W2_T_DESC, d, err);
  if (!rep)
    w2_fd_unref(w, fd);
  return rep;
}

static void desc_dtor(void *env, uint32_t rep) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = w2_tab_get(&w->tabs[W2_T_DESC], rep);
  if (d)
    w2_fd_unref(w, d->fd);
  w2_tab_del(&w->tabs[W2_T_DESC], rep);
}

static void dirstream_dtor(void *env, uint32_t rep) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_dirstream_t *d = w2_tab_get(&w->tabs[W2_T_DIRSTREAM], rep);
  if (d)
    w2_fd_unref(w, d->fd);
  w2_tab_del(&w->tabs[W2_T_DIRSTREAM], rep);
}

/* *r = ok(v) (v NULL: no payload) when e is success, else err(error-code). */
static bool done(swasm_cval_t *r, int e, const swasm_cval_t *v, swasm_carena_t *a,
                 swasm_error_t *err) {
  if (e != W2_E_SUCCESS)
    return w2_err_code(r, e, a, err);
  return w2_case(r, 0, v, a, err);
}

/* Runs a preview 1 call taking (fd, path, path_len) on path args[1]; result<_, error-code>. */
static bool path_op(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                    swasm_carena_t *arena, swasm_error_t *err, int fn) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = w2_put_path(w, W2_M_PATH1, &args[1]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, fn, (uint64_t[]){d->fd, W2_M_PATH1, args[1].u.str.len});
  return done(result, e, NULL, arena, err);
}

W2_HOSTFN(create_directory_at) {
  return path_op(env, args, result, arena, err, W2_P1_path_create_directory);
}
W2_HOSTFN(remove_directory_at) {
  return path_op(env, args, result, arena, err, W2_P1_path_remove_directory);
}
W2_HOSTFN(unlink_file_at) {
  return path_op(env, args, result, arena, err, W2_P1_path_unlink_file);
}

/* ---- streams over descriptors ---- */

W2_HOSTFN(read_via_stream) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  if (need(d, DF_READ) != W2_E_SUCCESS)
    return w2_err_code(result, BADF, arena, err);
  swasm_cval_t h = w2_handle(w2_new_input(w, W2_IN_FILE, d->fd, args[1].u.u, err));
  return h.u.handle && w2_case(result, 0, &h, arena, err);
}

static bool out_stream(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                       swasm_carena_t *arena, swasm_error_t *err, int kind, uint64_t off) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  if (need(d, DF_WRITE) != W2_E_SUCCESS)
    return w2_err_code(result, BADF, arena, err);
  swasm_cval_t h = w2_handle(w2_new_output(w, kind, d->fd, off, err));
  return h.u.handle && w2_case(result, 0, &h, arena, err);
}

W2_HOSTFN(write_via_stream) {
  return out_stream(env, args, result, arena, err, W2_OUT_FILE, args[1].u.u);
}
W2_HOSTFN(append_via_stream) { return out_stream(env, args, result, arena, err, W2_OUT_APPEND, 0); }

/* read(length, offset) -> result<tuple<list<u8>, bool>, error-code>: the bool is end of file. */
W2_HOSTFN(desc_read) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  uint64_t len = args[1].u.u;
  uint32_t n = 0;
  if (need(d, DF_READ) != W2_E_SUCCESS)
    return w2_err_code(result, BADF, arena, err);
  int e = w2_p1_io(w, W2_P1_fd_pread, d->fd, args[2].u.u,
                   len > W2_M_DATA_SIZE ? W2_M_DATA_SIZE : (uint32_t)len, &n);
  if (e != W2_E_SUCCESS)
    return w2_err_code(result, e, arena, err);
  swasm_cval_t *t = swasm_carena_alloc(arena, 2 * sizeof *t);
  if (!t)
    return w2_trap(err, "out of memory");
  if (!w2_bytes(&t[0], w2_mem(w, W2_M_DATA), n, arena, err))
    return false;
  t[1].u.b = n == 0 && len > 0;
  swasm_cval_t tup;
  tup.u.list.items = t;
  tup.u.list.n = 2;
  return w2_case(result, 0, &tup, arena, err);
}

/* write(buffer, offset) -> result<filesize, error-code>. */
W2_HOSTFN(desc_write) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  if (need(d, DF_WRITE) != W2_E_SUCCESS)
    return w2_err_code(result, BADF, arena, err);
  uint32_t len = args[1].u.list.n > W2_M_DATA_SIZE ? W2_M_DATA_SIZE : args[1].u.list.n;
  uint8_t *buf = w2_mem(w, W2_M_DATA);
  for (uint32_t i = 0; i < len; i++)
    buf[i] = (uint8_t)args[1].u.list.items[i].u.u;
  uint32_t n = 0;
  int e = w2_p1_io(w, W2_P1_fd_pwrite, d->fd, args[2].u.u, len, &n);
  swasm_cval_t v = w2_u(n);
  return done(result, e, &v, arena, err);
}

/* ---- metadata ---- */

W2_HOSTFN(get_flags) {
  w2_desc_t *d = desc_arg(W2_ENV(env), args, 0, err);
  if (!d)
    return false;
  swasm_cval_t v;
  v.u.flags = d->flags;
  return w2_case(result, 0, &v, arena, err);
}

W2_HOSTFN(get_type) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = w2_p1(w, W2_P1_fd_fdstat_get, (uint64_t[]){d->fd, W2_M_OUT});
  swasm_cval_t v = w2_u(dtype(*w2_mem(w, W2_M_OUT)));
  return done(result, e, &v, arena, err);
}

static bool opt_time(swasm_cval_t *r, uint64_t ns, swasm_carena_t *a, swasm_error_t *err) {
  swasm_cval_t dt;
  return w2_datetime(&dt, ns, a, err) && w2_case(r, 1, &dt, a, err);
}

/* A preview 1 filestat in scratch -> descriptor-stat {type, link-count, size, access,
 * modification, status-change timestamps}. */
static bool stat_value(swasm_wasi2_t *w, swasm_cval_t *v, swasm_carena_t *a, swasm_error_t *err) {
  const uint8_t *st = w2_mem(w, W2_M_OUT);
  swasm_cval_t *f = swasm_carena_alloc(a, 6 * sizeof *f);
  if (!f)
    return w2_trap(err, "out of memory");
  f[0].u.u = dtype(st[16]);
  f[1].u.u = w2_ld64(st + 24);
  f[2].u.u = w2_ld64(st + 32);
  if (!opt_time(&f[3], w2_ld64(st + 40), a, err) || !opt_time(&f[4], w2_ld64(st + 48), a, err) ||
      !opt_time(&f[5], w2_ld64(st + 56), a, err))
    return false;
  v->u.list.items = f;
  v->u.list.n = 6;
  return true;
}

/* Leaves d's preview 1 filestat in scratch; stat-at-style when path is not NULL. */
static int filestat(swasm_wasi2_t *w, const w2_desc_t *d, const swasm_cval_t *pflags,
                    const swasm_cval_t *path) {
  if (!path)
    return w2_p1(w, W2_P1_fd_filestat_get, (uint64_t[]){d->fd, W2_M_OUT});
  int e = w2_put_path(w, W2_M_PATH1, path);
  if (e != W2_E_SUCCESS)
    return e;
  return w2_p1(w, W2_P1_path_filestat_get,
               (uint64_t[]){d->fd, pflags->u.flags & 1, W2_M_PATH1, path->u.str.len, W2_M_OUT});
}

static bool do_stat(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                    swasm_carena_t *arena, swasm_error_t *err, bool at, bool hash) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = filestat(w, d, at ? &args[1] : NULL, at ? &args[2] : NULL);
  if (e != W2_E_SUCCESS)
    return w2_err_code(result, e, arena, err);
  swasm_cval_t v;
  if (hash) { /* metadata-hash-value {lower: u64, upper: u64}: the inode and device */
    swasm_cval_t *f = swasm_carena_alloc(arena, 2 * sizeof *f);
    if (!f)
      return w2_trap(err, "out of memory");
    f[0].u.u = w2_ld64(w2_mem(w, W2_M_OUT + 8));
    f[1].u.u = w2_ld64(w2_mem(w, W2_M_OUT));
    v.u.list.items = f;
    v.u.list.n = 2;
  } else if (!stat_value(w, &v, arena, err)) {
    return false;
  }
  return w2_case(result, 0, &v, arena, err);
}

W2_HOSTFN(desc_stat) { return do_stat(env, args, result, arena, err, false, false); }
W2_HOSTFN(desc_stat_at) { return do_stat(env, args, result, arena, err, true, false); }
W2_HOSTFN(metadata_hash) { return do_stat(env, args, result, arena, err, false, true); }
W2_HOSTFN(metadata_hash_at) { return do_stat(env, args, result, arena, err, true, true); }

W2_HOSTFN(is_same_object) {
  (void)arena;
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *a = desc_arg(w, args, 0, err), *b = a ? desc_arg(w, args, 1, err) : NULL;
  if (!b)
    return false;
  uint8_t id[16];
  result->u.b = false;
  if (filestat(w, a, NULL, NULL) != W2_E_SUCCESS)
    return true;
  memcpy(id, w2_mem(w, W2_M_OUT), 16);
  if (filestat(w, b, NULL, NULL) != W2_E_SUCCESS)
    return true;
  result->u.b = memcmp(id, w2_mem(w, W2_M_OUT), 16) == 0;
  return true;
}

/* new-timestamp (no-change, now, timestamp(datetime)) -> preview 1 time and fst flag bits
 * (set, now) shifted for atim (0) or mtim (2). */
static uint64_t new_time(const swasm_cval_t *v, int shift, uint32_t *fst) {
  if (v->u.var.index == 1)
    *fst |= 2u << shift;
  if (v->u.var.index != 2 || !v->u.var.payload)
    return 0;
  *fst |= 1u << shift;
  const swasm_cval_t *dt = v->u.var.payload->u.list.items;
  return dt[0].u.u * 1000000000u + dt[1].u.u;
}

W2_HOSTFN(set_times) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  uint32_t fst = 0;
  uint64_t at = new_time(&args[1], 0, &fst), mt = new_time(&args[2], 2, &fst);
  int e = w2_p1(w, W2_P1_fd_filestat_set_times, (uint64_t[]){d->fd, at, mt, fst});
  return done(result, e, NULL, arena, err);
}

W2_HOSTFN(set_times_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  uint32_t fst = 0;
  uint64_t at = new_time(&args[3], 0, &fst), mt = new_time(&args[4], 2, &fst);
  int e = w2_put_path(w, W2_M_PATH1, &args[2]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_filestat_set_times,
              (uint64_t[]){d->fd, args[1].u.flags & 1, W2_M_PATH1, args[2].u.str.len, at, mt,
                           fst});
  return done(result, e, NULL, arena, err);
}

W2_HOSTFN(set_size) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = need(d, DF_WRITE);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_fd_filestat_set_size, (uint64_t[]){d->fd, args[1].u.u});
  return done(result, e, NULL, arena, err);
}

static bool fd_op(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                  swasm_carena_t *arena, swasm_error_t *err, int fn) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  return done(result, w2_p1(w, fn, (uint64_t[]){d->fd}), NULL, arena, err);
}

W2_HOSTFN(desc_sync) { return fd_op(env, args, result, arena, err, W2_P1_fd_sync); }
W2_HOSTFN(desc_sync_data) { return fd_op(env, args, result, arena, err, W2_P1_fd_datasync); }

/* advise(offset, length, advice): the advice enum has preview 1's order. */
W2_HOSTFN(desc_advise) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = w2_p1(w, W2_P1_fd_advise,
                (uint64_t[]){d->fd, args[1].u.u, args[2].u.u, args[3].u.var.index});
  return done(result, e, NULL, arena, err);
}

/* ---- paths ---- */

/* open-at(path-flags, path, open-flags, descriptor-flags) -> result<descriptor, error-code>.
 * open-flags bits (create, directory, exclusive, truncate) are preview 1's oflags; the access
 * mode comes from the rights asked for, as preview 1 derives it. */
W2_HOSTFN(open_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  uint64_t df = args[4].u.flags & 0x3f;
  uint64_t base = R_ALL & ~(R_READ | R_READDIR | R_WRITE | R_DATASYNC | R_ALLOCATE | R_SET_SIZE);
  if (df & DF_READ)
    base |= R_READ | R_READDIR;
  if (df & DF_WRITE)
    base |= R_WRITE | R_DATASYNC | R_ALLOCATE | R_SET_SIZE;
  uint32_t fdflags = (df & DF_FILE_SYNC ? 16 : 0) | (df & DF_DATA_SYNC ? 2 : 0) |
                     (df & DF_RSYNC ? 8 : 0);
  /* WASI 0.2 refuses to create or truncate without write access, and to change a file
   * through a descriptor opened without mutate-directory or write. */
  if ((args[3].u.flags & 8) && !(df & DF_WRITE))
    return w2_err_code(result, 2 /* EACCES -> access */, arena, err);
  int e = w2_put_path(w, W2_M_PATH1, &args[2]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_open,
              (uint64_t[]){d->fd, args[1].u.flags & 1, W2_M_PATH1, args[2].u.str.len,
                           args[3].u.flags & 0xf, base, R_ALL, fdflags, W2_M_OUT});
  if (e != W2_E_SUCCESS)
    return w2_err_code(result, e, arena, err);
  uint32_t fd = w2_ld32(w2_mem(w, W2_M_OUT));
  bool is_dir = w2_p1(w, W2_P1_fd_fdstat_get, (uint64_t[]){fd, W2_M_OUT}) == W2_E_SUCCESS &&
                *w2_mem(w, W2_M_OUT) == 3 /* directory */;
  swasm_cval_t h = w2_handle(new_desc(w, fd, df, is_dir, true, err));
  return h.u.handle && w2_case(result, 0, &h, arena, err);
}

W2_HOSTFN(readlink_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = w2_put_path(w, W2_M_PATH1, &args[1]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_readlink,
              (uint64_t[]){d->fd, W2_M_PATH1, args[1].u.str.len, W2_M_DATA, W2_M_DATA_SIZE,
                           W2_M_OUT});
  if (e != W2_E_SUCCESS)
    return w2_err_code(result, e, arena, err);
  swasm_cval_t s;
  uint32_t n = w2_ld32(w2_mem(w, W2_M_OUT));
  return w2_string(&s, (const char *)w2_mem(w, W2_M_DATA), n, arena, err) &&
         w2_case(result, 0, &s, arena, err);
}

/* rename-at(old-path, new-descriptor, new-path). */
W2_HOSTFN(rename_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err), *to = d ? desc_arg(w, args, 2, err) : NULL;
  if (!to)
    return false;
  int e = w2_put_path(w, W2_M_PATH1, &args[1]);
  if (e == W2_E_SUCCESS)
    e = w2_put_path(w, W2_M_PATH2, &args[3]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_rename,
              (uint64_t[]){d->fd, W2_M_PATH1, args[1].u.str.len, to->fd, W2_M_PATH2,
                           args[3].u.str.len});
  return done(result, e, NULL, arena, err);
}

/* link-at(old-path-flags, old-path, new-descriptor, new-path). */
W2_HOSTFN(link_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err), *to = d ? desc_arg(w, args, 3, err) : NULL;
  if (!to)
    return false;
  int e = w2_put_path(w, W2_M_PATH1, &args[2]);
  if (e == W2_E_SUCCESS)
    e = w2_put_path(w, W2_M_PATH2, &args[4]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_link,
              (uint64_t[]){d->fd, args[1].u.flags & 1, W2_M_PATH1, args[2].u.str.len, to->fd,
                           W2_M_PATH2, args[4].u.str.len});
  return done(result, e, NULL, arena, err);
}

/* symlink-at(old-path, new-path): old-path is the link's target text. */
W2_HOSTFN(symlink_at) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  int e = w2_put_path(w, W2_M_PATH1, &args[1]);
  if (e == W2_E_SUCCESS)
    e = w2_put_path(w, W2_M_PATH2, &args[2]);
  if (e == W2_E_SUCCESS)
    e = w2_p1(w, W2_P1_path_symlink,
              (uint64_t[]){W2_M_PATH1, args[1].u.str.len, d->fd, W2_M_PATH2,
                           args[2].u.str.len});
  return done(result, e, NULL, arena, err);
}

/* ---- directories ---- */

W2_HOSTFN(read_directory) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_desc_t *d = desc_arg(w, args, 0, err);
  if (!d)
    return false;
  /* Fail now, not at the first entry, when it is not a readable directory. */
  int e = w2_p1(w, W2_P1_fd_readdir, (uint64_t[]){d->fd, W2_M_DATA, 0, 0, W2_M_OUT});
  if (e != W2_E_SUCCESS)
    return w2_err_code(result, e, arena, err);
  w2_dirstream_t *s = calloc(1, sizeof *s);
  if (!s || !w2_fd_ref(w, d->fd)) {
    free(s);
    return w2_trap(err, "out of memory");
  }
  s->fd = d->fd;
  swasm_cval_t h = w2_handle(w2_add(w, W2_T_DIRSTREAM, s, err));
  if (!h.u.handle) {
    w2_fd_unref(w, d->fd);
    return false;
  }
  return w2_case(result, 0, &h, arena, err);
}

enum { DIRBUF = 4096, DIRENT = 24 };

/* read-directory-entry() -> result<option<directory-entry>, error-code>; "." and ".." are
 * not entries in WASI 0.2. */
W2_HOSTFN(read_directory_entry) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_dirstream_t *s = w2_get(w, W2_T_DIRSTREAM, args[0].u.handle, err);
  if (!s)
    return false;
  const uint8_t *b = w2_mem(w, W2_M_DATA);
  while (!s->done) {
    int e = w2_p1(w, W2_P1_fd_readdir, (uint64_t[]){s->fd, W2_M_DATA, DIRBUF, s->cookie, W2_M_OUT});
    if (e != W2_E_SUCCESS)
      return w2_err_code(result, e, arena, err);
    uint32_t used = w2_ld32(w2_mem(w, W2_M_OUT));
    if (used < DIRENT) {
      s->done = true;
      break;
    }
    uint32_t namelen = w2_ld32(b + 16);
    if (namelen > DIRBUF - DIRENT)
      return w2_err_code(result, 37 /* ENAMETOOLONG */, arena, err);
    if (DIRENT + namelen > used) { /* cut off: cannot happen with names under 4 KiB */
      s->done = true;
      break;
    }
    s->cookie = w2_ld64(b);
    const char *name = (const char *)b + DIRENT;
    if ((namelen == 1 && name[0] == '.') || (namelen == 2 && name[0] == '.' && name[1] == '.'))
      continue;
    swasm_cval_t *f = swasm_carena_alloc(arena, 2 * sizeof *f);
    if (!f)
      return w2_trap(err, "out of memory");
    f[0].u.u = dtype(b[20]);
    if (!w2_string(&f[1], name, namelen, arena, err))
      return false;
    swasm_cval_t ent, opt;
    ent.u.list.items = f;
    ent.u.list.n = 2;
    return w2_case(&opt, 1, &ent, arena, err) && w2_case(result, 0, &opt, arena, err);
  }
  swasm_cval_t none;
  none.u.var.index = 0;
  none.u.var.payload = NULL;
  return w2_case(result, 0, &none, arena, err);
}

/* filesystem-error-code(borrow<error>) -> option<error-code>. */
W2_HOSTFN(filesystem_error_code) {
  w2_errobj_t *e = w2_get(W2_ENV(env), W2_T_ERROR, args[0].u.handle, err);
  if (!e)
    return false;
  if (e->code < 0)
    return w2_case(result, 0, NULL, arena, err);
  swasm_cval_t v = w2_u((uint64_t)e->code);
  return w2_case(result, 1, &v, arena, err);
}

/* ---- wasi:filesystem/preopens ---- */

/* get-directories() -> list<tuple<descriptor, string>>: each call gives new descriptors of
 * the granted directories, in the order they were granted. */
W2_HOSTFN(get_directories) {
  (void)args;
  swasm_wasi2_t *w = W2_ENV(env);
  uint32_t n = w->npreopens;
  swasm_cval_t *items = swasm_carena_alloc(arena, (n ? n : 1) * sizeof *items);
  swasm_cval_t *pairs = swasm_carena_alloc(arena, (n ? 2 * n : 1) * sizeof *pairs);
  if (!items || !pairs)
    return w2_trap(err, "out of memory");
  for (uint32_t i = 0; i < n; i++) {
    uint32_t fd = 3 + i;
    if (w2_p1(w, W2_P1_fd_prestat_get, (uint64_t[]){fd, W2_M_OUT}) != W2_E_SUCCESS)
      return w2_trap(err, "get-directories: a preopen is gone");
    uint32_t len = w2_ld32(w2_mem(w, W2_M_OUT + 4));
    if (len > W2_M_DATA_SIZE ||
        w2_p1(w, W2_P1_fd_prestat_dir_name, (uint64_t[]){fd, W2_M_DATA, len}) != W2_E_SUCCESS)
      return w2_trap(err, "get-directories: a preopen's name is unreadable");
    if (!w2_string(&pairs[2 * i + 1], (const char *)w2_mem(w, W2_M_DATA), len, arena, err))
      return false;
    pairs[2 * i].u.handle = new_desc(w, fd, DF_READ | DF_MUTATE_DIR, true, false, err);
    if (!pairs[2 * i].u.handle)
      return false;
    items[i].u.list.items = &pairs[2 * i];
    items[i].u.list.n = 2;
  }
  result->u.list.items = items;
  result->u.list.n = n;
  return true;
}

/* ---- the interfaces ---- */

#define M(name) "[method]descriptor." name
static const swasm_chost_func_t types_fns[] = {
  {M("read-via-stream"), read_via_stream}, {M("write-via-stream"), write_via_stream},
  {M("append-via-stream"), append_via_stream}, {M("advise"), desc_advise},
  {M("sync-data"), desc_sync_data}, {M("get-flags"), get_flags}, {M("get-type"), get_type},
  {M("set-size"), set_size}, {M("set-times"), set_times}, {M("read"), desc_read},
  {M("write"), desc_write}, {M("read-directory"), read_directory}, {M("sync"), desc_sync},
  {M("create-directory-at"), create_directory_at}, {M("stat"), desc_stat},
  {M("stat-at"), desc_stat_at}, {M("set-times-at"), set_times_at}, {M("link-at"), link_at},
  {M("open-at"), open_at}, {M("readlink-at"), readlink_at},
  {M("remove-directory-at"), remove_directory_at}, {M("rename-at"), rename_at},
  {M("symlink-at"), symlink_at}, {M("unlink-file-at"), unlink_file_at},
  {M("is-same-object"), is_same_object}, {M("metadata-hash"), metadata_hash},
  {M("metadata-hash-at"), metadata_hash_at},
  {"[method]directory-entry-stream.read-directory-entry", read_directory_entry},
  {"filesystem-error-code", filesystem_error_code},
};
#undef M
static const swasm_chost_resource_t types_res[] = {
  {"descriptor", desc_dtor}, {"directory-entry-stream", dirstream_dtor},
};
static const swasm_chost_func_t preopens_fns[] = {{"get-directories", get_directories}};

bool w2_fs_hosts(swasm_wasi2_t *w) {
  return w2_add_host(w, "wasi:filesystem/types" W2_AT, types_fns, W2_N(types_fns), types_res, 2) &&
         w2_add_host(w, "wasi:filesystem/preopens" W2_AT, preopens_fns, 1, NULL, 0);
}
