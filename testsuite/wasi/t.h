/* t.h - helpers shared by the WASI test programs (compiled to wasm32-wasi): print the outcome
 * of a call as "label: ok" or "label: ENAME" so expected outputs are stable across hosts. */
#ifndef SWASM_WASI_TEST_H
#define SWASM_WASI_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *ename(int e) {
  switch (e) {
  case 0: return "ok";
  case E2BIG: return "E2BIG";
  case EACCES: return "EACCES";
  case EBADF: return "EBADF";
  case EEXIST: return "EEXIST";
  case EFAULT: return "EFAULT";
  case EINVAL: return "EINVAL";
  case EIO: return "EIO";
  case EISDIR: return "EISDIR";
  case ELOOP: return "ELOOP";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  case ENOENT: return "ENOENT";
  case ENOSYS: return "ENOSYS";
  case ENOTDIR: return "ENOTDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ENOTSUP: return "ENOTSUP";
  case ENOTCAPABLE: return "ENOTCAPABLE";
  case EPERM: return "EPERM";
  case ESPIPE: return "ESPIPE";
  case EXDEV: return "EXDEV";
  case EILSEQ: return "EILSEQ";
  case ENOTSOCK: return "ENOTSOCK";
  default: {
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
  }
  }
}

/* A libc call returning -1 (or NULL) and errno on failure. */
#define TRY(label, expr)                                                  \
  do {                                                                    \
    errno = 0;                                                            \
    long r_ = (long)(expr);                                               \
    printf("%s: %s\n", label, r_ == -1 ? ename(errno) : "ok");            \
  } while (0)

#define TRYP(label, expr)                                                 \
  do {                                                                    \
    errno = 0;                                                            \
    void *p_ = (void *)(expr);                                            \
    printf("%s: %s\n", label, p_ ? "ok" : ename(errno));                  \
  } while (0)

/* A raw WASI call returning an errno. */
#define RAW(label, expr) printf("%s: %s\n", label, ename((int)(expr)))

#endif
