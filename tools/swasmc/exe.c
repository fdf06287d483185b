/* exe.c - swasmc's executable output: the WASI grants given on the command line, the check
 * that the module is a command, and the link with the runtime archives wherever they live
 * (the build tree swasmc runs from, $SWASM_RT_LIB_DIR, or the installed library directory). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exe.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

#define MAIN_LIB "libswasm-rt-main.a"
#define RT_LIB "libswasm-rt.a"

/* ---- grants ---------------------------------------------------------------------------- */

static bool add(exe_grants_t *g, const char *kind, const char *spec) {
  if (g->n + 2 > g->cap) {
    int cap = g->cap ? g->cap * 2 : 8;
    char **l = realloc(g->list, (size_t)cap * sizeof *l);
    if (!l) {
      fprintf(stderr, "swasmc: out of memory\n");
      return false;
    }
    g->list = l;
    g->cap = cap;
  }
  size_t len = strlen(kind) + strlen(spec) + 1;
  char *s = malloc(len);
  if (!s) {
    fprintf(stderr, "swasmc: out of memory\n");
    return false;
  }
  snprintf(s, len, "%s%s", kind, spec);
  g->list[g->n++] = s;
  g->list[g->n] = NULL;
  return true;
}

bool exe_grant_dir(exe_grants_t *g, const char *spec) {
  const char *sep = strstr(spec, "::");
  if (!*spec || sep == spec || (sep && !sep[2])) {
    fprintf(stderr, "swasmc: --dir '%s': expected HOST or HOST::GUEST\n", spec);
    return false;
  }
  return add(g, "dir:", spec);
}

bool exe_grant_env(exe_grants_t *g, const char *spec) {
  if (!*spec || *spec == '=') {
    fprintf(stderr, "swasmc: --env '%s': expected NAME=VALUE or NAME\n", spec);
    return false;
  }
  return add(g, "env:", spec);
}

bool exe_grant_lock(exe_grants_t *g) {
  for (int i = 0; i < g->n; i++)
    if (strcmp(g->list[i], "lock") == 0) return true;
  return add(g, "", "lock");
}

void exe_grants_free(exe_grants_t *g) {
  for (int i = 0; i < g->n; i++) free(g->list[i]);
  free(g->list);
  memset(g, 0, sizeof *g);
}

/* ---- the command check ----------------------------------------------------------------- */

bool exe_check_command(const swasm_module_t *m, const char *in) {
  for (uint32_t i = 0; i < m->nimports; i++) {
    const swasm_import_t *im = &m->imports[i];
    if (im->kind != SWASM_EXTERN_FUNC || strcmp(im->module, "wasi_snapshot_preview1") != 0) {
      fprintf(stderr, "swasmc: %s imports \"%s\" \"%s\", which an executable cannot provide: "
              "it gets wasi_snapshot_preview1 functions only (use -c or -shared to compile a "
              "module that others link)\n", in, im->module, im->name);
      return false;
    }
  }
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == SWASM_EXTERN_FUNC && strcmp(m->exports[i].name, "_start") == 0)
      return true;
  fprintf(stderr, "swasmc: %s is not a WASI command: it exports no function _start (build it "
          "as a command, e.g. clang --target=wasm32-wasi with a main; or compile it with -c or "
          "-shared)\n", in);
  return false;
}

/* ---- finding the runtime --------------------------------------------------------------- */

static bool readable(const char *path) {
  return access(path, R_OK) == 0;
}

/* Sets main_lib and rt_lib from dir (flat: both in dir) or a build tree (runtime/ and
 * runtime/wasi/ under dir); false when either is missing. */
static bool try_dir(const char *dir, bool build_tree, char *main_lib, char *rt_lib,
                    size_t size) {
  if (!dir || !*dir) return false;
  int a = snprintf(main_lib, size, "%s%s/" MAIN_LIB, dir, build_tree ? "/runtime/wasi" : "");
  int b = snprintf(rt_lib, size, "%s%s/" RT_LIB, dir, build_tree ? "/runtime" : "");
  return a > 0 && (size_t)a < size && b > 0 && (size_t)b < size && readable(main_lib) &&
         readable(rt_lib);
}

/* The build tree swasmc runs from: its binary is BUILD/tools/swasmc/swasmc. */
static bool try_own_build_tree(char *main_lib, char *rt_lib, size_t size) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  self[n] = 0;
  const char *tail = "/tools/swasmc/swasmc";
  size_t tl = strlen(tail);
  if ((size_t)n <= tl || strcmp(self + n - tl, tail) != 0) return false;
  self[n - tl] = 0;
  return try_dir(self, true, main_lib, rt_lib, size);
}

/* The installation swasmc belongs to: PREFIX/bin/swasmc and PREFIX/LIBDIR, even when the
 * prefix was moved after installation. */
static bool try_own_prefix(char *main_lib, char *rt_lib, size_t size) {
  char self[PATH_MAX], dir[PATH_MAX + 64];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (!slash) return false;
  *slash = 0;
  snprintf(dir, sizeof dir, "%s/../%s", self, SWASM_RT_LIBDIR_REL);
  return try_dir(dir, false, main_lib, rt_lib, size);
}

/* Is triple another architecture than the one swasmc runs on? */
static bool foreign(const char *triple) {
#if defined(__x86_64__)
  const char *host = "x86_64";
#elif defined(__aarch64__)
  const char *host = "aarch64";
#else
  const char *host = "?";
#endif
  return triple && *triple && strncmp(triple, host, strlen(host)) != 0;
}

static bool find_runtime(const char *triple, char *main_lib, char *rt_lib, size_t size) {
  const char *env = getenv("SWASM_RT_LIB_DIR");
  if (env && *env) {
    if (try_dir(env, false, main_lib, rt_lib, size) || try_dir(env, true, main_lib, rt_lib, size))
      return true;
    fprintf(stderr, "swasmc: SWASM_RT_LIB_DIR=%s holds no " MAIN_LIB " and " RT_LIB "\n", env);
    return false;
  }
  if (foreign(triple)) {
    fprintf(stderr, "swasmc: an executable for %s needs the runtime built for it: set "
            "SWASM_RT_LIB_DIR to the directory holding its " MAIN_LIB " and " RT_LIB "\n",
            triple);
    return false;
  }
  if (try_own_build_tree(main_lib, rt_lib, size) || try_own_prefix(main_lib, rt_lib, size) ||
      try_dir(SWASM_RT_INSTALL_LIBDIR, false, main_lib, rt_lib, size) ||
      try_dir(SWASM_RT_BUILD_DIR, true, main_lib, rt_lib, size))
    return true;
  fprintf(stderr, "swasmc: cannot find the runtime libraries " MAIN_LIB " and " RT_LIB
          " (looked beside swasmc, in %s and in the build tree %s); set SWASM_RT_LIB_DIR to "
          "their directory\n", SWASM_RT_INSTALL_LIBDIR, SWASM_RT_BUILD_DIR);
  return false;
}

/* ---- linking --------------------------------------------------------------------------- */

/* Links obj with libs (NULL-terminated) into the executable out with g's grants: the C library
 * statically unless g or a sanitizer build says otherwise, falling back to a dynamic one where
 * the system has no static libc.a. Returns 0 or an exit status, after one line on stderr. */
static int link_exe(const swasm_buf_t *obj, const char *out, const char *triple,
                    const char *const *libs, const exe_grants_t *g) {
  swasm_exe_opts_t opts;
  memset(&opts, 0, sizeof opts);
  opts.triple = triple;
  opts.libs = libs;
  opts.grants = g->n ? (const char *const *)g->list : NULL;
  opts.shared_libc = g->shared_libc;
  /* The runtime of a sanitizer build: its checks need their own libraries, which link only
   * with a dynamic C library. */
  const char *san_args[] = {"-fsanitize=" SWASM_RT_SANITIZE, NULL};
  if (SWASM_RT_SANITIZE[0]) {
    opts.link_args = san_args;
    opts.shared_libc = true;
  }
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st = swasm_link_executable(obj, out, &opts, &d);
  if (st == SWASM_IO && !opts.shared_libc) {
    /* Some systems have no static C library (libc.a): the executable then links it
     * dynamically, as any C program there would. */
    swasm_diag_t d2;
    memset(&d2, 0, sizeof d2);
    opts.shared_libc = true;
    if (swasm_link_executable(obj, out, &opts, &d2) == SWASM_OK) {
      fprintf(stderr, "swasmc: note: linked the C library dynamically, the static link "
              "failed: %s\n", d.message);
      st = SWASM_OK;
    }
  }
  if (st != SWASM_OK) {
    fprintf(stderr, "swasmc: %s\n", d.message);
    return st == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
  }
  return 0;
}

int exe_link(const swasm_buf_t *obj, const char *out, const char *triple,
             const exe_grants_t *g) {
  char main_lib[PATH_MAX + 64], rt_lib[PATH_MAX + 64];
  if (!find_runtime(triple, main_lib, rt_lib, sizeof main_lib)) return EXIT_USAGE;
  const char *libs[] = {main_lib, rt_lib, NULL};
  return link_exe(obj, out, triple, libs, g);
}

/* ---- executables from components ------------------------------------------------------- */

/* One archive, looked for as find_runtime looks for the runtime's: $SWASM_RT_LIB_DIR (flat or
 * a build tree), the build tree swasmc runs from (under subdir), beside the installed swasmc,
 * the configured library directory, then the configured build tree. */
static bool find_archive(const char *name, const char *subdir, char *out, size_t size) {
  char self[PATH_MAX], dirs[5][PATH_MAX + 64];
  int n = 0;
  const char *env = getenv("SWASM_RT_LIB_DIR");
  if (env && *env) {
    snprintf(dirs[n++], sizeof dirs[0], "%s", env);
    snprintf(dirs[n++], sizeof dirs[0], "%s/%s", env, subdir);
  } else {
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    const char *tail = "/tools/swasmc/swasmc";
    size_t tl = strlen(tail);
    if (len > 0) {
      self[len] = 0;
      if ((size_t)len > tl && strcmp(self + len - tl, tail) == 0)
        snprintf(dirs[n++], sizeof dirs[0], "%.*s/%s", (int)((size_t)len - tl), self, subdir);
      char *slash = strrchr(self, '/');
      if (slash) {
        *slash = 0;
        snprintf(dirs[n++], sizeof dirs[0], "%s/../%s", self, SWASM_RT_LIBDIR_REL);
      }
    }
    snprintf(dirs[n++], sizeof dirs[0], "%s", SWASM_RT_INSTALL_LIBDIR);
    snprintf(dirs[n++], sizeof dirs[0], "%s/%s", SWASM_RT_BUILD_DIR, subdir);
  }
  for (int i = 0; i < n; i++) {
    int w = snprintf(out, size, "%s/%s", dirs[i], name);
    if (w > 0 && (size_t)w < size && readable(out)) return true;
  }
  fprintf(stderr, "swasmc: cannot find %s (an executable from a component links it); set "
          "SWASM_RT_LIB_DIR to its directory\n", name);
  return false;
}

int exe_link_component(const swasm_buf_t *obj, const char *const *objs, uint32_t nobjs,
                       const char *out, const char *triple, const exe_grants_t *g) {
  enum { NLIBS = 4, MAX_OBJS = 48 };
  static const char *const names[NLIBS][2] = {
    {"libswasm-cexe.a", "tools/swasmc"}, {"libswasm-linker.a", "linker"},
    {"libswasm-compiler.a", "compiler"}, {RT_LIB, "runtime"}};
  char paths[NLIBS][PATH_MAX + 64];
  const char *env = getenv("SWASM_RT_LIB_DIR");
  if (foreign(triple) && !(env && *env)) {
    fprintf(stderr, "swasmc: an executable for %s needs libswasm-cexe.a, libswasm-linker.a, "
            "libswasm-compiler.a and " RT_LIB " built for it: set SWASM_RT_LIB_DIR to their "
            "directory (a library, -shared, needs none of them)\n", triple);
    return EXIT_USAGE;
  }
  for (int i = 0; i < NLIBS; i++)
    if (!find_archive(names[i][0], names[i][1], paths[i], sizeof paths[i])) return EXIT_USAGE;
  if (nobjs > MAX_OBJS) {
    fprintf(stderr, "swasmc: more than %d core modules to link\n", MAX_OBJS);
    return EXIT_INPUT;
  }
  const char *libs[MAX_OBJS + NLIBS + 1];
  uint32_t n = 0;
  for (uint32_t i = 0; i < nobjs; i++) libs[n++] = objs[i];
  for (int i = 0; i < NLIBS; i++) libs[n++] = paths[i];
  libs[n] = NULL;
  return link_exe(obj, out, triple, libs, g);
}

int exe_link_component_shared(const swasm_buf_t *obj, const char *const *objs, uint32_t nobjs,
                              const char *out, const char *triple) {
  enum { MAX_OBJS = 48 };
  if (nobjs > MAX_OBJS) {
    fprintf(stderr, "swasmc: more than %d core modules to link\n", MAX_OBJS);
    return EXIT_INPUT;
  }
  /* The executable link with -shared and the C library shared: a library whose swasm_rt_*
   * references bind to the runtime of the process that loads it, as swasm_link_shared's do. */
  const char *libs[MAX_OBJS + 1];
  for (uint32_t i = 0; i < nobjs; i++) libs[i] = objs[i];
  libs[nobjs] = NULL;
  const char *args[] = {"-shared", NULL};
  swasm_exe_opts_t opts;
  memset(&opts, 0, sizeof opts);
  opts.triple = triple;
  opts.libs = libs;
  opts.shared_libc = true;
  opts.link_args = args;
  swasm_diag_t d;
  memset(&d, 0, sizeof d);
  swasm_status_t st = swasm_link_executable(obj, out, &opts, &d);
  if (st != SWASM_OK) {
    fprintf(stderr, "swasmc: %s\n", d.message);
    return st == SWASM_IO ? EXIT_USAGE : EXIT_INPUT;
  }
  return 0;
}
