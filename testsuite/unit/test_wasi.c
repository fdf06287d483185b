/* test_wasi.c - unit tests of the WASI preview 1 host functions, called directly (as
 * swasm_call calls a host function) on a host-created memory: bounds checks, the fd table,
 * files and directories, readdir cookies, the sandbox against every escape, poll and exit.
 * The sandbox tests run twice: with openat2 and with the component walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "swasm/runtime.h"

static int passed, failed;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (cond) {                                                                     \
      passed++;                                                                     \
    } else {                                                                        \
      failed++;                                                                     \
      fprintf(stderr, "%s:%d: check failed: %s [%s]\n", __FILE__, __LINE__, #cond,  \
              mode_name);                                                           \
    }                                                                               \
  } while (0)

#define EQ(a, b) CHECK((long long)(a) == (long long)(b))

enum { E_BADF = 8, E_EXIST = 20, E_FAULT = 21, E_INVAL = 28, E_ISDIR = 31, E_LOOP = 32,
       E_NAMETOOLONG = 37, E_NOENT = 44, E_NOTDIR = 54, E_NOTEMPTY = 55, E_NOTSOCK = 57,
       E_NOTSUP = 58, E_NOTCAPABLE = 76 };
enum { O_CREAT_ = 1, O_DIRECTORY_ = 2, O_EXCL_ = 4, O_TRUNC_ = 8 };
#define RIGHTS_ALL ((int64_t)((1ull << 30) - 1))

static const char *mode_name = "";
static swasm_wasi_t *W;
static swasm_memory_t *M;
static char tmp[256], root[300], outside[300];
static int out_pipe[2];

/* ---- calling WASI functions ---- */

/* Calls the named function; args are converted to each parameter's type. */
static int32_t wc(const char *name, int n, const int64_t *args) {
  swasm_extern_t ext;
  if (!swasm_wasi_resolve(W, "wasi_snapshot_preview1", name, SWASM_K_FUNC, &ext)) {
    fprintf(stderr, "no WASI function %s\n", name);
    failed++;
    return -1;
  }
  const swasm_desc_functype_t *t = ext.u.func.type;
  if ((int)t->nparams != n) {
    fprintf(stderr, "%s takes %u params, test gave %d\n", name, t->nparams, n);
    failed++;
    return -1;
  }
  swasm_val_t v[10];
  memset(v, 0, sizeof v);
  for (int i = 0; i < n; i++) {
    if (t->types[i] == SWASM_T_I64) v[i].i64 = args[i];
    else v[i].i32 = (int32_t)args[i];
  }
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  if (!swasm_call(&ext.u.func, v, &err))
    return -1000 - err.exit_code;
  return v[0].i32;
}

#define NARGS(...) (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define CALL(name, ...) wc(name, NARGS(__VA_ARGS__), (int64_t[]){__VA_ARGS__})
#define CALL0(name) wc(name, 0, NULL)

static uint8_t *mem(uint32_t p) { return M->base + p; }
static uint32_t ld32(uint32_t p) { uint32_t v; memcpy(&v, mem(p), 4); return v; }
static uint64_t ld64(uint32_t p) { uint64_t v; memcpy(&v, mem(p), 8); return v; }
static void st32(uint32_t p, uint32_t v) { memcpy(mem(p), &v, 4); }
static void st64(uint32_t p, uint64_t v) { memcpy(mem(p), &v, 8); }

/* A string at p; returns its length. */
static uint32_t put(uint32_t p, const char *s) {
  size_t n = strlen(s);
  memcpy(mem(p), s, n);
  return (uint32_t)n;
}

/* Guest scratch layout. */
enum { P_STR = 0x1000, P_STR2 = 0x2000, P_OUT = 0x3000, P_IOV = 0x3100, P_BUF = 0x4000 };

/* Rights that make path_open open for writing. */
#define WRITE_RIGHTS ((int64_t)(1 | 1 << 6 | 1 << 8 | 1 << 22))

/* path_open relative to fd asking for what the directory passes on, as wasi-libc does (minus
 * writing for directories); the new fd, or -errno. */
static int32_t gopen(uint32_t dir, const char *path, uint32_t oflags, int follow) {
  int64_t rights = 0;
  if (CALL("fd_fdstat_get", dir, P_OUT) == 0)
    rights = (int64_t)ld64(P_OUT + 16);
  int64_t base = oflags & O_DIRECTORY_ ? rights & ~WRITE_RIGHTS : rights;
  uint32_t n = put(P_STR, path);
  int32_t e = CALL("path_open", dir, follow, P_STR, n, oflags, base, rights, 0, P_OUT);
  return e ? -e : (int32_t)ld32(P_OUT);
}

static int32_t gwrite(uint32_t fd, const char *s) {
  uint32_t n = put(P_BUF, s);
  st32(P_IOV, P_BUF);
  st32(P_IOV + 4, n);
  int32_t e = CALL("fd_write", fd, P_IOV, 1, P_OUT);
  return e ? -e : (int32_t)ld32(P_OUT);
}

/* Reads up to n bytes into a NUL-terminated host string. */
static int32_t gread(uint32_t fd, char *out, uint32_t n) {
  st32(P_IOV, P_BUF);
  st32(P_IOV + 4, n);
  int32_t e = CALL("fd_read", fd, P_IOV, 1, P_OUT);
  if (e)
    return -e;
  uint32_t got = ld32(P_OUT);
  memcpy(out, mem(P_BUF), got);
  out[got] = 0;
  return (int32_t)got;
}

static int32_t gpath(const char *fn, uint32_t dir, const char *path) {
  uint32_t n = put(P_STR, path);
  return CALL(fn, dir, P_STR, n);
}

/* ---- fixture ---- */

static void write_file(const char *path, const char *s) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(s, f);
    fclose(f);
  }
}

static void make_fixture(void) {
  char p[512], t[512];
  snprintf(tmp, sizeof tmp, "/tmp/swasm-test-wasi-XXXXXX");
  if (!mkdtemp(tmp)) {
    perror("mkdtemp");
    exit(2);
  }
  snprintf(root, sizeof root, "%s/root", tmp);
  snprintf(outside, sizeof outside, "%s/outside", tmp);
  mkdir(root, 0777);
  mkdir(outside, 0777);
  snprintf(p, sizeof p, "%s/secret", outside);
  write_file(p, "secret\n");
  snprintf(p, sizeof p, "%s/hello.txt", root);
  write_file(p, "hello\n");
  snprintf(p, sizeof p, "%s/sub", root);
  mkdir(p, 0777);
  snprintf(p, sizeof p, "%s/sub/deep", root);
  mkdir(p, 0777);
  struct { const char *name, *target; } links[] = {
    {"link_etc", "/etc"}, {"link_passwd", "/etc/passwd"}, {"link_out", "../outside"},
    {"link_secret", "../outside/secret"}, {"chain1", "chain2"},
    {"chain2", "sub/../sub/deep/../../link_secret"}, {"link_sub", "sub"},
    {"link_hello", "sub/../hello.txt"}, {"dangling", "nowhere"}, {"loop1", "loop2"},
    {"loop2", "loop1"}, {"sub/up", ".."}, {"sub/upup", "../.."}, {"sub/deep/root", "../.."},
    {"sub/deep/esc", "../../../outside"},
  };
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", root, links[i].name);
    snprintf(t, sizeof t, "%s", links[i].target);
    if (symlink(t, p) != 0)
      perror(p);
  }
}

static void remove_tree(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove %s\n", dir);
}

static bool host_exists(const char *rel) {
  char p[600];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", tmp, rel);
  return lstat(p, &st) == 0;
}

static void new_wasi(const char *mode, const char *const *argv, int argc,
                     const char *const *env, int nenv) {
  if (strcmp(mode, "walk") == 0)
    setenv("SWASM_WASI_RESOLVE", "walk", 1);
  else
    unsetenv("SWASM_WASI_RESOLVE");
  mode_name = mode;
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  swasm_wasi_dir_t dirs[2] = {{root, "/sandbox"}, {root, "."}};
  cfg.dirs = dirs;
  cfg.ndirs = 2;
  cfg.argv = argv;
  cfg.argc = argc;
  cfg.env = env;
  cfg.nenv = nenv;
  cfg.stdout_fd = out_pipe[1];
  swasm_error_t err;
  W = swasm_wasi_new(&cfg, &err);
  if (!W) {
    fprintf(stderr, "swasm_wasi_new: %s\n", err.message);
    exit(2);
  }
  swasm_wasi_bind_memory(W, M);
}

/* ---- tests ---- */

static void test_args_env(void) {
  EQ(CALL("args_sizes_get", P_OUT, P_OUT + 4), 0);
  EQ(ld32(P_OUT), 3);
  EQ(ld32(P_OUT + 4), strlen("prog") + strlen("a b") + strlen("") + 3);
  EQ(CALL("args_get", P_OUT, P_BUF), 0);
  CHECK(strcmp((char *)mem(ld32(P_OUT)), "prog") == 0);
  CHECK(strcmp((char *)mem(ld32(P_OUT + 4)), "a b") == 0);
  CHECK(strcmp((char *)mem(ld32(P_OUT + 8)), "") == 0);
  EQ(CALL("args_get", 65534, P_BUF), E_FAULT);
  EQ(CALL("args_get", P_OUT, 65530), E_FAULT);
  EQ(CALL("args_sizes_get", 0xfffffffe, P_OUT), E_FAULT);
  EQ(CALL("environ_sizes_get", P_OUT, P_OUT + 4), 0);
  EQ(ld32(P_OUT), 2);   /* A=1 and HOME from the host; UNSET_VAR_X dropped */
  EQ(CALL("environ_get", P_OUT, P_BUF), 0);
  CHECK(strcmp((char *)mem(ld32(P_OUT)), "A=1") == 0);
  CHECK(strncmp((char *)mem(ld32(P_OUT + 4)), "HOME=", 5) == 0);
}

static void test_bounds(void) {
  /* iovec array out of bounds, buffer out of bounds, pointer + length wrapping. */
  EQ(CALL("fd_write", 1, 65536 - 4, 1, P_OUT), E_FAULT);
  st32(P_IOV, 65530);
  st32(P_IOV + 4, 10);
  EQ(CALL("fd_write", 1, P_IOV, 1, P_OUT), E_FAULT);
  st32(P_IOV, 0xfffffff0u);
  st32(P_IOV + 4, 0x20);
  EQ(CALL("fd_write", 1, P_IOV, 1, P_OUT), E_FAULT);
  EQ(CALL("fd_write", 1, P_IOV, 0x7fffffff, P_OUT), E_FAULT);
  st32(P_IOV, P_BUF);
  st32(P_IOV + 4, 1);
  EQ(CALL("fd_write", 1, P_IOV, 1, 65535), E_FAULT);   /* result pointer straddles the end */
  EQ(CALL("fd_read", 0, P_IOV, 1, 0xffffffff), E_FAULT);
  EQ(CALL("random_get", 65000, 1000), E_FAULT);
  EQ(CALL("random_get", 0xffffffff, 2), E_FAULT);
  EQ(CALL("clock_time_get", 0, 0, 65532), E_FAULT);
  EQ(CALL("fd_fdstat_get", 1, 65536 - 23), E_FAULT);
  EQ(CALL("fd_filestat_get", 1, 65536 - 63), E_FAULT);
  EQ(CALL("path_open", 3, 0, 65530, 100, 0, 0, 0, 0, P_OUT), E_FAULT);
  EQ(CALL("poll_oneoff", 65530, P_BUF, 1, P_OUT), E_FAULT);
  EQ(CALL("fd_readdir", 3, 65000, 1000, 0, P_OUT), E_FAULT);
  EQ(CALL("fd_prestat_dir_name", 3, 65535, 8), E_FAULT);
  EQ(CALL("fd_readdir", 3, P_BUF, 100, 0, 0xfffffffc + 2), E_FAULT);
  /* zero-length buffers at the very end are in bounds */
  EQ(CALL("random_get", 65536, 0), 0);
}

static void test_stdio_misc(void) {
  EQ(gwrite(1, "out!"), 4);
  char buf[16] = {0};
  EQ(read(out_pipe[0], buf, sizeof buf - 1), 4);
  CHECK(strcmp(buf, "out!") == 0);
  EQ(CALL("fd_fdstat_get", 1, P_OUT), 0);
  EQ(mem(P_OUT)[0], 0);            /* a pipe: unknown file type */
  EQ(ld64(P_OUT + 8) & 4, 0);      /* no seek right on a stream */
  EQ(CALL("fd_seek", 1, 0, 0, P_OUT), 76);
  EQ(CALL("fd_write", 99, P_IOV, 0, P_OUT), E_BADF);
  EQ(CALL("fd_close", 99), E_BADF);
  EQ(CALL("clock_time_get", 1, 0, P_OUT), 0);
  uint64_t t1 = ld64(P_OUT);
  EQ(CALL("clock_time_get", 1, 0, P_OUT), 0);
  CHECK(ld64(P_OUT) >= t1);
  EQ(CALL("clock_time_get", 0, 1000, P_OUT), 0);
  CHECK(ld64(P_OUT) > 1600000000ull * 1000000000ull);
  EQ(CALL("clock_time_get", 2, 0, P_OUT), 0);
  EQ(CALL("clock_time_get", 3, 0, P_OUT), 0);
  EQ(CALL("clock_time_get", 4, 0, P_OUT), E_INVAL);
  EQ(CALL("clock_res_get", 1, P_OUT), 0);
  CHECK(ld64(P_OUT) > 0 && ld64(P_OUT) <= 1000000);
  memset(mem(P_BUF), 0, 64);
  EQ(CALL("random_get", P_BUF, 64), 0);
  int nz = 0;
  for (int i = 0; i < 64; i++) nz += mem(P_BUF)[i] != 0;
  CHECK(nz > 32);
  EQ(CALL0("sched_yield"), 0);
  EQ(CALL("proc_raise", 6), E_NOTSUP);
  EQ(CALL("sock_accept", 1, 0, P_OUT), E_NOTSOCK);
  EQ(CALL("sock_accept", 77, 0, P_OUT), E_BADF);
  EQ(CALL("sock_recv", 0, P_IOV, 1, 0, P_OUT, P_OUT + 4), E_NOTSOCK);
  EQ(CALL("sock_send", 1, P_IOV, 1, 0, P_OUT), E_NOTSOCK);
  EQ(CALL("sock_shutdown", 3, 3), E_NOTSOCK);
  EQ(CALL("sock_shutdown", 50, 3), E_BADF);
  /* proc_exit traps with the code */
  EQ(CALL("proc_exit", 42), -1042);
  swasm_extern_t ext;
  CHECK(!swasm_wasi_resolve(W, "wasi_snapshot_preview1", "no_such", SWASM_K_FUNC, &ext));
  CHECK(!swasm_wasi_resolve(W, "env", "fd_write", SWASM_K_FUNC, &ext));
  CHECK(!swasm_wasi_resolve(W, "wasi_snapshot_preview1", "fd_write", SWASM_K_MEMORY, &ext));
}

static void test_prestat(void) {
  EQ(CALL("fd_prestat_get", 3, P_OUT), 0);
  EQ(mem(P_OUT)[0], 0);
  EQ(ld32(P_OUT + 4), 8);
  EQ(CALL("fd_prestat_dir_name", 3, P_BUF, 8), 0);
  CHECK(memcmp(mem(P_BUF), "/sandbox", 8) == 0);
  EQ(CALL("fd_prestat_dir_name", 3, P_BUF, 4), E_NAMETOOLONG);
  EQ(CALL("fd_prestat_get", 4, P_OUT), 0);
  EQ(ld32(P_OUT + 4), 1);
  EQ(CALL("fd_prestat_get", 5, P_OUT), E_BADF);
  EQ(CALL("fd_prestat_get", 1, P_OUT), E_BADF);
}

static void test_files(void) {
  char buf[128];
  int32_t fd = gopen(3, "hello.txt", 0, 1);
  CHECK(fd >= 5);
  EQ(gread((uint32_t)fd, buf, 100), 6);
  CHECK(strcmp(buf, "hello\n") == 0);
  EQ(CALL("fd_tell", fd, P_OUT), 0);
  EQ(ld64(P_OUT), 6);
  EQ(CALL("fd_seek", fd, -3, 2, P_OUT), 0);   /* from the end */
  EQ(ld64(P_OUT), 3);
  EQ(gread((uint32_t)fd, buf, 100), 3);
  CHECK(strcmp(buf, "lo\n") == 0);
  EQ(CALL("fd_seek", fd, 0, 3, P_OUT), E_INVAL);
  EQ(CALL("fd_filestat_get", fd, P_BUF), 0);
  EQ(mem(P_BUF + 16)[0], 4);
  EQ(ld64(P_BUF + 32), 6);
  EQ(CALL("fd_close", fd), 0);
  EQ(CALL("fd_close", fd), E_BADF);

  /* create, write, pwrite, pread, truncate, times */
  fd = gopen(3, "new.txt", O_CREAT_ | O_EXCL_, 0);
  CHECK(fd >= 0);
  EQ(gopen(3, "new.txt", O_CREAT_ | O_EXCL_, 0), -E_EXIST);
  EQ(gwrite((uint32_t)fd, "0123456789"), 10);
  put(P_BUF, "AB");
  st32(P_IOV, P_BUF);
  st32(P_IOV + 4, 2);
  EQ(CALL("fd_pwrite", fd, P_IOV, 1, 4, P_OUT), 0);
  EQ(ld32(P_OUT), 2);
  st32(P_IOV, P_BUF + 100);
  st32(P_IOV + 4, 3);
  st32(P_IOV + 8, P_BUF + 200);
  st32(P_IOV + 12, 100);
  EQ(CALL("fd_pread", fd, P_IOV, 2, 2, P_OUT), 0);
  EQ(ld32(P_OUT), 8);
  CHECK(memcmp(mem(P_BUF + 100), "23A", 3) == 0 && memcmp(mem(P_BUF + 200), "B6789", 5) == 0);
  EQ(CALL("fd_tell", fd, P_OUT), 0);
  EQ(ld64(P_OUT), 10);                         /* pwrite/pread leave the position */
  EQ(CALL("fd_filestat_set_size", fd, 3), 0);
  EQ(CALL("fd_filestat_get", fd, P_BUF), 0);
  EQ(ld64(P_BUF + 32), 3);
  EQ(CALL("fd_filestat_set_times", fd, 1000000000ll * 1000, 2000000000ll * 1000 + 5, 1 | 4), 0);
  EQ(CALL("fd_filestat_get", fd, P_BUF), 0);
  EQ(ld64(P_BUF + 40), 1000000000ull * 1000);
  EQ(ld64(P_BUF + 48), 2000000000ull * 1000 + 5);
  EQ(CALL("fd_filestat_set_times", fd, 0, 0, 1 | 2), E_INVAL);
  EQ(CALL("fd_advise", fd, 0, 100, 1), 0);
  EQ(CALL("fd_advise", fd, 0, 100, 9), E_INVAL);
  EQ(CALL("fd_allocate", fd, 0, 4096), 0);
  EQ(CALL("fd_sync", fd), 0);
  EQ(CALL("fd_datasync", fd), 0);
  EQ(CALL("fd_fdstat_set_flags", fd, 1), 0);   /* append */
  EQ(CALL("fd_fdstat_get", fd, P_OUT), 0);
  EQ(ld32(P_OUT) >> 16 & 0xffff, 1);
  EQ(CALL("fd_fdstat_set_flags", fd, 16), E_NOTSUP);
  /* rights only shrink; a dropped right is enforced */
  EQ(CALL("fd_fdstat_get", fd, P_OUT), 0);
  int64_t had = (int64_t)ld64(P_OUT + 8);
  EQ(CALL("fd_fdstat_set_rights", fd, had & ~(1 << 6), 0), 0);
  EQ(gwrite((uint32_t)fd, "x"), -E_NOTCAPABLE);
  EQ(CALL("fd_fdstat_set_rights", fd, RIGHTS_ALL, 0), E_NOTCAPABLE);
  /* renumber onto an open fd; the source is gone after */
  int32_t fd2 = gopen(3, "hello.txt", 0, 1);
  EQ(CALL("fd_renumber", fd2, fd), 0);
  EQ(gread((uint32_t)fd, buf, 5), 5);
  CHECK(strcmp(buf, "hello") == 0);
  EQ(CALL("fd_close", fd2), E_BADF);
  EQ(CALL("fd_renumber", fd, 60), E_BADF);
  EQ(CALL("fd_close", fd), 0);
  /* a read-only open cannot write */
  uint32_t n = put(P_STR, "hello.txt");
  EQ(CALL("path_open", 3, 0, P_STR, n, 0, 2, 0, 0, P_OUT), 0);
  fd = (int32_t)ld32(P_OUT);
  EQ(gwrite((uint32_t)fd, "x"), -E_NOTCAPABLE);
  EQ(CALL("fd_close", fd), 0);
  /* O_DIRECTORY on a file, trailing slash on a file */
  EQ(gopen(3, "hello.txt", O_DIRECTORY_, 1), -E_NOTDIR);
  EQ(gopen(3, "hello.txt/", 0, 1), -E_NOTDIR);
  EQ(gopen(3, "missing", 0, 1), -E_NOENT);
  EQ(gopen(3, "", 0, 1), -E_NOENT);
  EQ(gopen(3, "loop1", 0, 1), -E_LOOP);
  EQ(gopen(3, "dangling", 0, 1), -E_NOENT);
  EQ(gopen(1, "x", 0, 1), -E_NOTCAPABLE);    /* stdout has no path_open right */
  memcpy(mem(P_STR), "a\0b", 3);
  EQ(CALL("path_open", 3, 0, P_STR, 3, 0, 0, 0, 0, P_OUT), E_INVAL);
  put(P_STR, "\xff\xfe");
  EQ(CALL("path_open", 3, 0, P_STR, 2, 0, 0, 0, 0, P_OUT), 25);
  /* asking for rights the directory does not pass on */
  n = put(P_STR, "hello.txt");
  EQ(CALL("path_open", 3, 0, P_STR, n, 0, (int64_t)1 << 40, 0, 0, P_OUT), E_NOTCAPABLE);
  EQ(gpath("path_unlink_file", 3, "new.txt"), 0);
}

static void test_dirs(void) {
  EQ(gpath("path_create_directory", 3, "d"), 0);
  EQ(gpath("path_create_directory", 3, "d"), E_EXIST);
  EQ(gpath("path_create_directory", 3, "d/e/"), 0);
  int32_t fd = gopen(3, "d/e/f.txt", O_CREAT_, 0);
  CHECK(fd >= 0);
  EQ(CALL("fd_close", fd), 0);
  EQ(gpath("path_remove_directory", 3, "d"), E_NOTEMPTY);
  EQ(gpath("path_unlink_file", 3, "d/e"), E_ISDIR);
  EQ(gpath("path_remove_directory", 3, "d/e/f.txt"), E_NOTDIR);
  /* rename and link inside; stat by path with and without following */
  uint32_t n1 = put(P_STR, "d/e/f.txt"), n2 = put(P_STR2, "d/g.txt");
  EQ(CALL("path_rename", 3, P_STR, n1, 3, P_STR2, n2), 0);
  n1 = put(P_STR, "d/g.txt");
  n2 = put(P_STR2, "d/h.txt");
  EQ(CALL("path_link", 3, 0, P_STR, n1, 3, P_STR2, n2), 0);
  n1 = put(P_STR, "d/h.txt");
  EQ(CALL("path_filestat_get", 3, 0, P_STR, n1, P_BUF), 0);
  EQ(ld64(P_BUF + 24), 2);                      /* two links */
  n1 = put(P_STR, "link_hello");
  EQ(CALL("path_filestat_get", 3, 0, P_STR, n1, P_BUF), 0);
  EQ(mem(P_BUF + 16)[0], 7);                    /* the symlink itself */
  EQ(CALL("path_filestat_get", 3, 1, P_STR, n1, P_BUF), 0);
  EQ(mem(P_BUF + 16)[0], 4);
  EQ(ld64(P_BUF + 32), 6);
  EQ(CALL("path_filestat_set_times", 3, 1, P_STR, n1, 5000000000ll, 0, 1), 0);
  n1 = put(P_STR, "hello.txt");
  EQ(CALL("path_filestat_get", 3, 0, P_STR, n1, P_BUF), 0);
  EQ(ld64(P_BUF + 40), 5000000000ull);
  /* symlink and readlink, including a short buffer */
  n1 = put(P_STR, "g.txt");
  n2 = put(P_STR2, "d/sym");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), 0);
  n1 = put(P_STR, "d/sym");
  EQ(CALL("path_readlink", 3, P_STR, n1, P_BUF, 100, P_OUT), 0);
  EQ(ld32(P_OUT), 5);
  CHECK(memcmp(mem(P_BUF), "g.txt", 5) == 0);
  EQ(CALL("path_readlink", 3, P_STR, n1, P_BUF, 2, P_OUT), 0);
  EQ(ld32(P_OUT), 2);
  n1 = put(P_STR, "hello.txt");
  EQ(CALL("path_readlink", 3, P_STR, n1, P_BUF, 100, P_OUT), E_INVAL);
  fd = gopen(3, "d/sym", 0, 1);
  CHECK(fd >= 0);
  EQ(CALL("fd_close", fd), 0);
  EQ(gopen(3, "d/sym", 0, 0), -E_LOOP);
  EQ(gpath("path_unlink_file", 3, "d/sym"), 0);
  EQ(gpath("path_unlink_file", 3, "d/g.txt"), 0);
  EQ(gpath("path_unlink_file", 3, "d/h.txt"), 0);
  EQ(gpath("path_remove_directory", 3, "d/e"), 0);
  EQ(gpath("path_remove_directory", 3, "d"), 0);
  EQ(gpath("path_remove_directory", 3, "."), E_INVAL);
  /* "." and ".." that stay inside */
  fd = gopen(3, "sub/deep/../..", O_DIRECTORY_, 1);
  CHECK(fd >= 0);
  EQ(CALL("fd_close", fd), 0);
  fd = gopen(3, "link_sub/deep/root/hello.txt", 0, 1);
  CHECK(fd >= 0);
  EQ(CALL("fd_close", fd), 0);
}

/* Lists the directory fd with a buffer of size bytes, following cookies; returns the names
 * joined by spaces, sorted by the host's order. */
static int list_dir(uint32_t fd, uint32_t size, char *out, size_t outsize) {
  uint64_t cookie = 0;
  int count = 0;
  out[0] = 0;
  for (int rounds = 0; rounds < 1000; rounds++) {
    if (CALL("fd_readdir", fd, P_BUF, size, (int64_t)cookie, P_OUT) != 0)
      return -1;
    uint32_t used = ld32(P_OUT), off = 0;
    bool progressed = false;
    while (off + 24 <= used) {
      uint32_t nlen = ld32(P_BUF + off + 16);
      if (off + 24 + nlen > used)
        break;                                  /* cut off: ask again from cookie */
      char name[256];
      memcpy(name, mem(P_BUF + off + 24), nlen);
      name[nlen] = 0;
      if (strcmp(name, ".") && strcmp(name, "..")) {
        strncat(out, name, outsize - strlen(out) - 2);
        strcat(out, " ");
        count++;
      }
      cookie = ld64(P_BUF + off);
      off += 24 + nlen;
      progressed = true;
    }
    if (used < size)
      return count;
    if (!progressed)
      return -2;                                /* one entry larger than the buffer */
  }
  return -3;
}

static void test_readdir(void) {
  EQ(gpath("path_create_directory", 3, "rd"), 0);
  char name[64];
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "rd/file-with-a-longish-name-%02d", i);
    int32_t fd = gopen(3, name, O_CREAT_, 0);
    EQ(CALL("fd_close", fd), 0);
  }
  int32_t dir = gopen(3, "rd", O_DIRECTORY_, 1);
  CHECK(dir >= 0);
  char big[4096], small[4096];
  EQ(list_dir((uint32_t)dir, 4096, big, sizeof big), 20);
  EQ(list_dir((uint32_t)dir, 70, small, sizeof small), 20);   /* about one entry per call */
  CHECK(strcmp(big, small) == 0);
  EQ(list_dir((uint32_t)dir, 30, small, sizeof small), -2);   /* no entry fits */
  EQ(CALL("fd_readdir", dir, P_BUF, 0, 0, P_OUT), 0);
  EQ(ld32(P_OUT), 0);
  /* the type of each entry */
  EQ(CALL("fd_readdir", 3, P_BUF, 4096, 0, P_OUT), 0);
  int seen = 0;
  for (uint32_t off = 0; off + 24 <= ld32(P_OUT);) {
    uint32_t nlen = ld32(P_BUF + off + 16);
    uint8_t type = mem(P_BUF + off + 20)[0];
    if (nlen == 3 && memcmp(mem(P_BUF + off + 24), "sub", 3) == 0) seen += type == 3;
    if (nlen == 9 && memcmp(mem(P_BUF + off + 24), "hello.txt", 9) == 0) seen += type == 4;
    if (nlen == 8 && memcmp(mem(P_BUF + off + 24), "link_etc", 8) == 0) seen += type == 7;
    off += 24 + nlen;
  }
  EQ(seen, 3);
  EQ(CALL("fd_readdir", 0, P_BUF, 100, 0, P_OUT), 76);       /* stdin has no readdir right */
  EQ(CALL("fd_close", dir), 0);
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "rd/file-with-a-longish-name-%02d", i);
    EQ(gpath("path_unlink_file", 3, name), 0);
  }
  EQ(gpath("path_remove_directory", 3, "rd"), 0);
}

/* Every way out must fail with ENOTCAPABLE and touch nothing outside. */
static void test_escapes(void) {
  const char *opens[] = {
    "..", "../outside/secret", "/etc/passwd", "/", "sub/../../outside/secret",
    "link_etc/passwd", "link_passwd", "link_out/secret", "link_secret", "chain1",
    "sub/upup/outside/secret", "sub/deep/esc/secret", "sub/up/../outside/secret",
    "link_sub/../../outside/secret", "sub/deep/root/../outside/secret",
    "./././../outside/secret", "sub//deep//..//..//..//outside",
  };
  for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
    int32_t r = gopen(3, opens[i], 0, 1);
    if (r != -E_NOTCAPABLE)
      fprintf(stderr, "escape '%s' gave %d [%s]\n", opens[i], r, mode_name);
    EQ(r, -E_NOTCAPABLE);
  }
  /* not following the final symlink: opening the link itself is refused (ELOOP), not escaped */
  EQ(gopen(3, "link_passwd", 0, 0), -E_LOOP);
  EQ(gopen(3, "../outside/new", O_CREAT_, 0), -E_NOTCAPABLE);
  EQ(gopen(3, "link_out/new", O_CREAT_, 1), -E_NOTCAPABLE);
  CHECK(!host_exists("outside/new"));
  uint32_t n1, n2;
  n1 = put(P_STR, "link_etc/passwd");
  EQ(CALL("path_filestat_get", 3, 1, P_STR, n1, P_BUF), E_NOTCAPABLE);
  n1 = put(P_STR, "link_passwd");
  EQ(CALL("path_filestat_get", 3, 1, P_STR, n1, P_BUF), E_NOTCAPABLE);
  EQ(CALL("path_filestat_get", 3, 0, P_STR, n1, P_BUF), 0);   /* the link itself is inside */
  n1 = put(P_STR, "../outside/secret");
  EQ(CALL("path_filestat_set_times", 3, 0, P_STR, n1, 0, 0, 2), E_NOTCAPABLE);
  EQ(gpath("path_create_directory", 3, "../outside/made"), E_NOTCAPABLE);
  EQ(gpath("path_create_directory", 3, "link_out/made"), E_NOTCAPABLE);
  EQ(gpath("path_unlink_file", 3, "link_out/secret"), E_NOTCAPABLE);
  EQ(gpath("path_unlink_file", 3, "../outside/secret"), E_NOTCAPABLE);
  EQ(gpath("path_remove_directory", 3, ".."), E_NOTCAPABLE);
  EQ(gpath("path_remove_directory", 3, "../outside"), E_NOTCAPABLE);
  CHECK(host_exists("outside/secret"));
  CHECK(!host_exists("outside/made"));
  /* rename out, rename in from outside, link out */
  n1 = put(P_STR, "hello.txt");
  n2 = put(P_STR2, "../outside/stolen");
  EQ(CALL("path_rename", 3, P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  n2 = put(P_STR2, "link_out/stolen");
  EQ(CALL("path_rename", 3, P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  EQ(CALL("path_link", 3, 0, P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  n1 = put(P_STR, "link_secret");
  n2 = put(P_STR2, "got_secret");
  EQ(CALL("path_link", 3, 1, P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  n1 = put(P_STR, "../outside/secret");
  EQ(CALL("path_rename", 3, P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  CHECK(!host_exists("outside/stolen") && !host_exists("root/got_secret"));
  /* symlinks the guest makes: absolute refused; relative ones pointing out never followed */
  n1 = put(P_STR, "/etc/passwd");
  n2 = put(P_STR2, "mine");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  n1 = put(P_STR, "../outside/secret");
  n2 = put(P_STR2, "sub/mine");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), 0);
  EQ(gopen(3, "sub/mine", 0, 1), -E_NOENT);   /* sub/../outside is root/outside: inside */
  n1 = put(P_STR, "../../outside/secret");
  n2 = put(P_STR2, "sub/mine2");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), 0);
  EQ(gopen(3, "sub/mine2", 0, 1), -E_NOTCAPABLE);
  /* creating through a dangling symlink that points out */
  n1 = put(P_STR, "../outside/created");
  n2 = put(P_STR2, "dangling_out");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), 0);
  EQ(gopen(3, "dangling_out", O_CREAT_, 1), -E_NOTCAPABLE);
  EQ(gopen(3, "dangling_out", O_CREAT_, 0), -E_LOOP);
  CHECK(!host_exists("outside/created"));
  EQ(gpath("path_unlink_file", 3, "dangling_out"), 0);
  n1 = put(P_STR, "../../outside/secret");
  n2 = put(P_STR2, "../outside/planted");
  EQ(CALL("path_symlink", P_STR, n1, 3, P_STR2, n2), E_NOTCAPABLE);
  CHECK(!host_exists("outside/planted"));
  EQ(gpath("path_unlink_file", 3, "sub/mine"), 0);
  EQ(gpath("path_unlink_file", 3, "sub/mine2"), 0);
  /* the "." preopen is the same directory and just as confined */
  EQ(gopen(4, "../outside/secret", 0, 1), -E_NOTCAPABLE);
  EQ(gopen(4, "link_etc", O_DIRECTORY_, 1), -E_NOTCAPABLE);
  /* a directory fd opened inside is a capability for its own subtree only */
  int32_t sub = gopen(3, "sub", O_DIRECTORY_, 1);
  CHECK(sub >= 0);
  EQ(gopen((uint32_t)sub, "../hello.txt", 0, 1), -E_NOTCAPABLE);
  EQ(gopen((uint32_t)sub, "up/hello.txt", 0, 1), -E_NOTCAPABLE);
  int32_t fd = gopen((uint32_t)sub, "deep/..", O_DIRECTORY_, 1);
  CHECK(fd >= 0);
  EQ(CALL("fd_close", fd), 0);
  EQ(CALL("fd_close", sub), 0);
}

static void test_poll(void) {
  /* a 20 ms relative sleep */
  memset(mem(P_BUF), 0, 48);
  st64(P_BUF, 0x1234);
  mem(P_BUF + 8)[0] = 0;
  st32(P_BUF + 16, 1);
  st64(P_BUF + 24, 20000000);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x100, 1, P_OUT), 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  CHECK(ms >= 19 && ms < 2000);
  EQ(ld32(P_OUT), 1);
  EQ(ld64(P_BUF + 0x100), 0x1234);
  EQ(mem(P_BUF + 0x100 + 10)[0], 0);
  /* an absolute deadline in the past fires at once */
  EQ(CALL("clock_time_get", 1, 0, P_OUT + 8), 0);
  st64(P_BUF + 24, ld64(P_OUT + 8) - 1000);
  st32(P_BUF + 40, 1);
  EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x100, 1, P_OUT), 0);
  EQ(ld32(P_OUT), 1);
  /* fd_write on the pipe is ready; fd_read on a bad fd reports EBADF in its event; a long
   * clock does not fire */
  memset(mem(P_BUF), 0, 3 * 48);
  st64(P_BUF, 1);
  mem(P_BUF + 8)[0] = 2;
  st32(P_BUF + 16, 1);
  st64(P_BUF + 48, 2);
  mem(P_BUF + 56)[0] = 1;
  st32(P_BUF + 64, 99);
  st64(P_BUF + 96, 3);
  mem(P_BUF + 104)[0] = 0;
  st32(P_BUF + 112, 1);
  st64(P_BUF + 120, 10000000000ll);
  EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x200, 3, P_OUT), 0);
  EQ(ld32(P_OUT), 2);
  EQ(ld64(P_BUF + 0x200), 1);
  EQ(mem(P_BUF + 0x200 + 10)[0], 2);
  EQ(ld64(P_BUF + 0x220), 2);
  EQ(ld32(P_BUF + 0x220 + 8) & 0xffff, E_BADF);
  EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x200, 0, P_OUT), E_INVAL);
  mem(P_BUF + 8)[0] = 7;
  EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x200, 1, P_OUT), E_INVAL);
  /* a readable pipe as stdin reports its byte count (this replaces the context) */
  int p[2];
  if (pipe(p) == 0) {
    if (write(p[1], "abc", 3) != 3) failed++;
    close(p[1]);
    swasm_wasi_free(W);
    swasm_wasi_config_t cfg;
    swasm_wasi_config_init(&cfg);
    cfg.stdin_fd = p[0];
    swasm_error_t err;
    W = swasm_wasi_new(&cfg, &err);
    swasm_wasi_bind_memory(W, M);
    memset(mem(P_BUF), 0, 48);
    mem(P_BUF + 8)[0] = 1;
    st32(P_BUF + 16, 0);
    EQ(CALL("poll_oneoff", P_BUF, P_BUF + 0x200, 1, P_OUT), 0);
    EQ(ld32(P_OUT), 1);
    EQ(ld64(P_BUF + 0x200 + 16), 3);
    close(p[0]);
  }
}

/* ---- fuzzing: random operations must neither crash nor reach outside ---- */

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* A listing of the tree under dir with sizes and mtimes, to see whether anything changed. */
static void snapshot(const char *dir, char *out, size_t size) {
  char cmd[700];
  snprintf(cmd, sizeof cmd, "cd '%s' && find . -printf '%%p %%y %%s %%T@ %%l\\n' | sort", dir);
  FILE *f = popen(cmd, "r");
  size_t n = f ? fread(out, 1, size - 1, f) : 0;
  out[n] = 0;
  if (f)
    pclose(f);
}

/* A random relative path from parts that stay in, climb out, or go through links. */
static void random_path(char *out, size_t size) {
  static const char *const parts[] = {
    "..", ".", "sub", "deep", "link_out", "link_abs", "link_sub", "hello.txt", "x", "y",
    "new", "up", "", "loop1", "fz1", "fz2", "fz3",
  };
  out[0] = 0;
  int n = 1 + (int)rnd(4);
  if (rnd(20) == 0)
    strcat(out, "/");
  for (int i = 0; i < n; i++) {
    if (i)
      strncat(out, "/", size - strlen(out) - 1);
    strncat(out, parts[rnd(sizeof parts / sizeof parts[0])], size - strlen(out) - 1);
  }
}

static void fuzz_op(uint32_t dirfd) {
  char p1[200], p2[200];
  random_path(p1, sizeof p1);
  random_path(p2, sizeof p2);
  uint32_t n1 = put(P_STR, p1), n2 = put(P_STR2, p2);
  uint32_t follow = rnd(2);
  switch (rnd(12)) {
  case 0: case 1: {
    int64_t rights = (int64_t)((1ull << 30) - 1) & ~((int64_t)3 << 28);
    int32_t e = CALL("path_open", dirfd, follow, P_STR, n1, rnd(16), rights, rights, rnd(2),
                     P_OUT);
    if (e == 0) {
      uint32_t fd = ld32(P_OUT);
      gwrite(fd, "fuzz");
      CALL("fd_filestat_set_size", fd, rnd(100));
      CALL("fd_close", fd);
    }
    break;
  }
  case 2: CALL("path_create_directory", dirfd, P_STR, n1); break;
  case 3: CALL("path_remove_directory", dirfd, P_STR, n1); break;
  case 4: CALL("path_unlink_file", dirfd, P_STR, n1); break;
  case 5: CALL("path_rename", dirfd, P_STR, n1, dirfd, P_STR2, n2); break;
  case 6: CALL("path_link", dirfd, follow, P_STR, n1, dirfd, P_STR2, n2); break;
  case 7: CALL("path_symlink", P_STR, n1, dirfd, P_STR2, n2); break;
  case 8: CALL("path_filestat_set_times", dirfd, follow, P_STR, n1, 0, 0, 2 | 8); break;
  case 9: CALL("path_filestat_get", dirfd, follow, P_STR, n1, P_BUF); break;
  case 10: CALL("path_readlink", dirfd, P_STR, n1, P_BUF, rnd(64), P_OUT); break;
  default: {
    int32_t e = CALL("path_open", dirfd, follow, P_STR, n1, 2, 1 << 14, 0, 0, P_OUT);
    if (e == 0) {
      CALL("fd_readdir", ld32(P_OUT), P_BUF, rnd(300), rnd(4), P_OUT + 4);
      CALL("fd_close", ld32(P_OUT));
    }
  }
  }
}

/* Random arguments for every function that cannot block or sleep. */
static void fuzz_args(void) {
  static const char *const fns[] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
    "clock_time_get", "fd_advise", "fd_allocate", "fd_datasync", "fd_fdstat_get",
    "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
    "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
    "fd_readdir", "fd_seek", "fd_sync", "fd_tell", "fd_write", "path_create_directory",
    "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
    "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "proc_raise",
    "random_get", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
  };
  int64_t args[9];
  for (int k = 0; k < 20000; k++) {
    const char *fn = fns[rnd(sizeof fns / sizeof fns[0])];
    swasm_extern_t ext;
    if (!swasm_wasi_resolve(W, "wasi_snapshot_preview1", fn, SWASM_K_FUNC, &ext))
      continue;
    for (int i = 0; i < 9; i++) {
      switch (rnd(4)) {
      case 0: args[i] = rnd(8); break;                          /* small: fds, flags */
      case 1: args[i] = 0x1000 + rnd(0x3000); break;            /* inside memory */
      case 2: args[i] = 65536 - rnd(64); break;                 /* at the end */
      default: args[i] = (int64_t)(uint32_t)(rnd(0x10000) << 16 | rnd(0x10000)); break;
      }
    }
    wc(fn, (int)ext.u.func.type->nparams, args);
  }
}

static void test_fuzz(const char *mode) {
  char froot[300], fout[300], p[700], before[8192], after[8192];
  snprintf(froot, sizeof froot, "%s/froot", tmp);
  snprintf(fout, sizeof fout, "%s/fout", tmp);
  mkdir(froot, 0777);
  mkdir(fout, 0777);
  snprintf(p, sizeof p, "%s/secret", fout);
  write_file(p, "secret\n");
  snprintf(p, sizeof p, "%s/sub", froot);
  mkdir(p, 0777);
  snprintf(p, sizeof p, "%s/hello.txt", froot);
  write_file(p, "hello\n");
  char t[400];
  snprintf(p, sizeof p, "%s/link_out", froot);
  if (symlink("../fout", p) != 0) perror(p);
  snprintf(p, sizeof p, "%s/link_abs", froot);
  snprintf(t, sizeof t, "%s", fout);   /* absolute, but a decoy: never /etc when root */
  if (symlink(t, p) != 0) perror(p);
  snprintf(p, sizeof p, "%s/link_sub", froot);
  if (symlink("sub", p) != 0) perror(p);
  snapshot(fout, before, sizeof before);

  if (strcmp(mode, "walk") == 0) setenv("SWASM_WASI_RESOLVE", "walk", 1);
  else unsetenv("SWASM_WASI_RESOLVE");
  mode_name = mode;
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  swasm_wasi_dir_t dirs[1] = {{froot, "/f"}};
  cfg.dirs = dirs;
  cfg.ndirs = 1;
  cfg.stdin_fd = open("/dev/null", O_RDONLY);
  cfg.stdout_fd = open("/dev/null", O_WRONLY);
  cfg.stderr_fd = cfg.stdout_fd;
  swasm_error_t err;
  W = swasm_wasi_new(&cfg, &err);
  close(cfg.stdin_fd);
  close(cfg.stdout_fd);
  if (!W) {
    failed++;
    return;
  }
  swasm_wasi_bind_memory(W, M);
  for (int k = 0; k < 20000; k++)
    fuzz_op(3);
  /* a subdirectory fd as the base too */
  int32_t sub = gopen(3, "sub", O_DIRECTORY_, 1);
  for (int k = 0; sub >= 0 && k < 5000; k++)
    fuzz_op((uint32_t)sub);
  fuzz_args();
  swasm_wasi_free(W);
  W = NULL;
  snapshot(fout, after, sizeof after);
  CHECK(strcmp(before, after) == 0);
  if (strcmp(before, after) != 0)
    fprintf(stderr, "outside changed:\n%s\n---\n%s\n", before, after);
  remove_tree(froot);
  remove_tree(fout);
}

static void run_mode(const char *mode) {
  const char *argv[] = {"prog", "a b", ""};
  const char *env[] = {"A=0", "HOME", "UNSET_VAR_X", "A=1"};   /* A twice: the last wins */
  new_wasi(mode, argv, 3, env, 4);
  test_args_env();
  test_bounds();
  test_stdio_misc();
  test_prestat();
  test_files();
  test_dirs();
  test_readdir();
  test_escapes();
  test_poll();
  swasm_wasi_free(W);
  W = NULL;
}

static void test_config_errors(void) {
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  swasm_wasi_dir_t d = {"/nonexistent/dir", NULL};
  cfg.dirs = &d;
  cfg.ndirs = 1;
  swasm_error_t err;
  CHECK(swasm_wasi_new(&cfg, &err) == NULL);
  CHECK(strstr(err.message, "/nonexistent/dir") != NULL);
  char spec[] = "/host/path::/guest";
  swasm_wasi_dir_parse(spec, &d);
  CHECK(strcmp(d.host_path, "/host/path") == 0 && strcmp(d.guest_path, "/guest") == 0);
  char spec2[] = "plain";
  swasm_wasi_dir_parse(spec2, &d);
  CHECK(strcmp(d.host_path, "plain") == 0 && d.guest_path == NULL);
}

int main(void) {
  swasm_error_t err;
  if (!swasm_rt_init(&err) || pipe(out_pipe) != 0) {
    fprintf(stderr, "setup failed\n");
    return 2;
  }
  M = swasm_memory_new(1, 1, true, false, &err);
  if (!M) {
    fprintf(stderr, "memory: %s\n", err.message);
    return 2;
  }
  setenv("HOME", "/home/test", 1);
  unsetenv("UNSET_VAR_X");
  make_fixture();
  run_mode("openat2");
  run_mode("walk");
  test_fuzz("openat2");
  test_fuzz("walk");
  test_config_errors();
  remove_tree(tmp);
  swasm_memory_free(M);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
