/* proc.c - running helper programs (the linker, wat2wasm) and forked children: finding them on
 * PATH, spawning them without a shell, and collecting what they print without deadlocking. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "target.h"

extern char **environ;

static bool is_executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool tgt_find_program(const char *name, char *out, size_t size) {
  if (strchr(name, '/')) {
    if (!is_executable(name) || strlen(name) >= size) return false;
    strcpy(out, name);
    return true;
  }
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t len = strcspn(path, ":");
    int n = snprintf(out, size, "%.*s/%s", (int)len, len ? path : ".", name);
    if (n > 0 && (size_t)n < size && is_executable(out)) return true;
    path += len + (path[len] == ':');
  }
  return false;
}

/* Appends what fd has to o; false at EOF or on an error. Past the limit it keeps reading,
 * and drops the bytes, so the writer is never blocked. */
static bool drain(int fd, tgt_output_t *o) {
  uint8_t buf[65536];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  size_t room = o->limit > o->len ? o->limit - o->len : 0;
  size_t keep = (size_t)n < room ? (size_t)n : room;
  if (keep < (size_t)n) o->overflow = true;
  if (o->len + keep > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + keep) cap *= 2;
    uint8_t *d = realloc(o->data, cap + 1);
    if (!d) {
      o->overflow = true;
      return true;
    }
    o->data = d;
    o->cap = cap;
  }
  if (keep) memcpy(o->data + o->len, buf, keep);
  o->len += keep;
  o->data[o->len] = '\0';
  return true;
}

void tgt_collect(int out_fd, int err_fd, tgt_output_t *out, tgt_output_t *err) {
  struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  while (p[0].fd >= 0 || p[1].fd >= 0) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; i++)
      if (p[i].fd >= 0 && p[i].revents && !drain(p[i].fd, i ? err : out)) p[i].fd = -1;
  }
}

void tgt_output_free(tgt_output_t *o) {
  free(o->data);
  o->data = NULL;
  o->len = o->cap = 0;
}

int tgt_wait(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int tgt_run(char *const argv[], tgt_output_t *out, tgt_output_t *err, swasm_diag_t *diag) {
  int o[2], e[2];
  if (pipe2(o, O_CLOEXEC) != 0) {
    tgt_fail(diag, SWASM_IO, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe2(e, O_CLOEXEC) != 0) {
    close(o[0]);
    close(o[1]);
    tgt_fail(diag, SWASM_IO, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, o[1], 1);
  posix_spawn_file_actions_adddup2(&fa, e[1], 2);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(o[1]);
  close(e[1]);
  if (rc == 0) tgt_collect(o[0], e[0], out, err);
  close(o[0]);
  close(e[0]);
  if (rc != 0) {
    tgt_fail(diag, SWASM_IO, "cannot run %s: %s", argv[0], strerror(rc));
    return -1;
  }
  rc = tgt_wait(pid);
  if (rc < 0) tgt_fail(diag, SWASM_IO, "waiting for %s: %s", argv[0], strerror(errno));
  return rc;
}

void tgt_first_line(const tgt_output_t *o, char *buf, size_t size) {
  size_t n = 0;
  for (size_t i = 0; i < o->len && n + 1 < size; i++) {
    char c = (char)o->data[i];
    if (c == '\n' && n > 0) break;
    if (c == '\t') c = ' ';
    if (c >= ' ') buf[n++] = c;
  }
  buf[n] = '\0';
}

swasm_status_t tgt_temp_file(const char *suffix, const void *data, size_t size, char *path,
                             size_t path_size, swasm_diag_t *diag) {
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  int n = snprintf(path, path_size, "%s/swasm-XXXXXX%s", dir, suffix);
  if (n < 0 || (size_t)n >= path_size) return tgt_fail(diag, SWASM_IO, "TMPDIR path too long");
  int fd = mkstemps(path, (int)strlen(suffix));
  if (fd < 0)
    return tgt_fail(diag, SWASM_IO, "cannot create a temporary file in %s: %s", dir,
                    strerror(errno));
  const uint8_t *p = data;
  int err = 0;
  for (size_t done = 0; done < size && !err;) {
    ssize_t w = write(fd, p + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) err = w < 0 ? errno : EIO;
    else done += (size_t)w;
  }
  if (close(fd) != 0 && !err) err = errno;
  if (err) {
    unlink(path);
    return tgt_fail(diag, SWASM_IO, "cannot write %s: %s", path, strerror(err));
  }
  return SWASM_OK;
}

swasm_status_t tgt_read_file(const char *path, swasm_buf_t *out, swasm_diag_t *diag) {
  out->data = NULL;
  out->size = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return tgt_fail(diag, SWASM_IO, "cannot open %s: %s", path, strerror(errno));
  size_t cap = 0;
  int err = 0;
  for (;;) {
    if (out->size == cap) {
      uint8_t *d = realloc(out->data, cap = cap ? cap * 2 : 65536);
      if (!d) {
        err = ENOMEM;
        break;
      }
      out->data = d;
    }
    size_t n = fread(out->data + out->size, 1, cap - out->size, f);
    if (n == 0) break;
    out->size += n;
  }
  if (!err && ferror(f)) err = EIO;
  fclose(f);
  if (err) {
    swasm_buf_free(out);
    return tgt_fail(diag, SWASM_IO, "cannot read %s: %s", path, strerror(err));
  }
  return SWASM_OK;
}
