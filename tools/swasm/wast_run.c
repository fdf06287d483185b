/* wast_run.c - the command loop of the spec runner: runs each command of a wast2json script
 * (modules, registrations, actions and assertions) and judges it passed, failed or skipped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wast_script.h"
#include "wast_value.h"

/* ---- messages ------------------------------------------------------------------------- */

static void vprint(wast_script_t *s, const char *what, const char *fmt, va_list ap) {
  printf("%s:%lld: %s: %s", s->file, (long long)s->line, s->cmd, what);
  vprintf(fmt, ap);
  putchar('\n');
  fflush(stdout);
}

wast_result_t wast_fail(wast_script_t *s, const char *fmt, ...) {
  if (s->opts->verbose >= 1) {
    va_list ap;
    va_start(ap, fmt);
    vprint(s, "FAIL: ", fmt, ap);
    va_end(ap);
  }
  return WAST_FAIL;
}

wast_result_t wast_skip(wast_script_t *s, const char *fmt, ...) {
  if (s->opts->verbose >= 2) {
    va_list ap;
    va_start(ap, fmt);
    vprint(s, "skipped: ", fmt, ap);
    va_end(ap);
  }
  return WAST_SKIP;
}

void wast_note(wast_script_t *s, const char *fmt, ...) {
  if (s->opts->verbose >= 1) {
    va_list ap;
    va_start(ap, fmt);
    vprint(s, "note: ", fmt, ap);
    va_end(ap);
  }
}

/* Writes a field name with unprintable bytes escaped. */
static void quote_name(const char *str, size_t len, char *buf, size_t size) {
  size_t o = 0;
  for (size_t i = 0; i < len && o + 5 < size; i++) {
    unsigned char c = (unsigned char)str[i];
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') o += (size_t)snprintf(buf + o, size - o, "\\%02x", c);
    else buf[o++] = (char)c;
  }
  buf[o] = '\0';
}

/* ---- actions -------------------------------------------------------------------------- */

/* What running an action gave: it ran (maybe trapping) or could not be run at all. */
typedef struct outcome {
  bool trapped;
  swasm_error_t err;
  uint32_t nresults;
  const uint8_t *types;         /* result types */
  uint8_t global_type;          /* the type of a "get" result */
  swasm_val_t *vals;            /* malloc'd, max(nparams, nresults) slots */
  char desc[1024];              /* 'invoke "f"(i32:1)' for messages */
} outcome_t;

static void describe(outcome_t *o, const char *kind, const wast_json_t *field,
                     const wast_value_t *args, size_t nargs) {
  char name[96], buf[400];
  quote_name(field->str, field->len, name, sizeof name);
  size_t pos = (size_t)snprintf(o->desc, sizeof o->desc, "%s \"%s\"", kind, name);
  if (strcmp(kind, "invoke") != 0) return;
  for (size_t i = 0; i < nargs && pos < sizeof o->desc; i++) {
    wast_value_format(args[i].type, args[i].lane_type, &args[i].val, buf, sizeof buf);
    pos += (size_t)snprintf(o->desc + pos, sizeof o->desc - pos, "%s%s", i ? ", " : "(", buf);
  }
  if (pos < sizeof o->desc) snprintf(o->desc + pos, sizeof o->desc - pos, nargs ? ")" : "()");
}

static wast_result_t do_get(wast_script_t *s, wast_mod_t *m, const wast_json_t *field,
                            outcome_t *o) {
  swasm_extern_t ex;
  if (!wast_module_export(m, field->str, field->len, &ex) || ex.kind != SWASM_K_GLOBAL)
    return wast_fail(s, "%s: no such exported global", o->desc);
  o->vals = calloc(1, sizeof *o->vals);
  if (!o->vals) return wast_fail(s, "out of memory");
  memcpy(o->vals, ex.u.global.cell, sizeof *o->vals);
  o->global_type = ex.u.global.type;
  o->types = &o->global_type;
  o->nresults = 1;
  return WAST_PASS;
}

static wast_result_t do_invoke(wast_script_t *s, wast_mod_t *m, const wast_json_t *field,
                               const wast_value_t *args, size_t nargs, outcome_t *o) {
  swasm_extern_t ex;
  if (!wast_module_export(m, field->str, field->len, &ex) || ex.kind != SWASM_K_FUNC)
    return wast_fail(s, "%s: no such exported function", o->desc);
  const swasm_desc_functype_t *t = ex.u.func.type;
  if (t->nparams != nargs)
    return wast_fail(s, "%s: the function takes %u arguments", o->desc, t->nparams);
  for (size_t i = 0; i < nargs; i++)
    if (t->types[i] != args[i].type)
      return wast_fail(s, "%s: argument %zu has type %s", o->desc, i, wast_type_name(t->types[i]));
  size_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
  o->vals = calloc(n ? n : 1, sizeof *o->vals);
  if (!o->vals) return wast_fail(s, "out of memory");
  for (size_t i = 0; i < nargs; i++) o->vals[i] = args[i].val;
  o->nresults = t->nresults;
  o->types = t->types + t->nparams;
  fflush(stdout);   /* host functions may print */
  o->trapped = !swasm_call(&ex.u.func, o->vals, &o->err);
  return WAST_PASS;
}

/* Runs the action of a command. PASS means it ran (o->trapped tells whether it trapped). */
static wast_result_t run_action(wast_script_t *s, const wast_json_t *cmd, outcome_t *o) {
  memset(o, 0, sizeof *o);
  const wast_json_t *a = wast_json_get(cmd, "action");
  const char *type = wast_json_get_str(a, "type");
  const wast_json_t *field = wast_json_get(a, "field");
  if (!type || !field || field->kind != WAST_JSTR) return wast_fail(s, "malformed action");
  const wast_json_t *jargs = wast_json_get(a, "args");
  size_t nargs = wast_json_count(jargs);
  wast_value_t *args = calloc(nargs ? nargs : 1, sizeof *args);
  if (!args) return wast_fail(s, "out of memory");
  wast_result_t r = WAST_PASS;
  char err[256];
  for (size_t i = 0; i < nargs && r == WAST_PASS; i++)
    if (!wast_value_parse(wast_json_at(jargs, i), false, &args[i], err, sizeof err))
      r = wast_skip(s, "argument %zu: %s", i, err);
  describe(o, type, field, args, nargs);
  const char *modname = wast_json_get_str(a, "module");
  wast_mod_t *m = wast_module_find(s, modname);
  if (r != WAST_PASS) {
    /* an argument the runner does not understand: already counted as skipped */
  } else if (!m) {
    r = wast_fail(s, "%s: no module %s", o->desc, modname ? modname : "defined");
  } else if (m->state == WAST_MOD_SKIPPED) {
    r = wast_skip(s, "%s: its module was skipped", o->desc);
  } else if (m->state == WAST_MOD_FAILED) {
    r = wast_fail(s, "%s: its module failed", o->desc);
  } else if (strcmp(type, "invoke") == 0) {
    r = do_invoke(s, m, field, args, nargs, o);
  } else if (strcmp(type, "get") == 0) {
    r = do_get(s, m, field, o);
  } else {
    r = wast_skip(s, "unknown action type %s", type);
  }
  free(args);
  return r;
}

/* Prints the results; v128 lanes as the expectation's lane types say (lanes may be NULL). */
static void format_results(const outcome_t *o, const uint8_t *lanes, size_t nlanes, char *buf,
                           size_t size) {
  size_t pos = 0;
  char one[400];
  buf[0] = '\0';
  for (uint32_t i = 0; i < o->nresults && pos < size; i++) {
    uint8_t lane = lanes && i < nlanes && lanes[i] ? lanes[i] : SWASM_T_I32;
    wast_value_format(o->types[i], lane, &o->vals[i], one, sizeof one);
    pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", one);
  }
  if (o->nresults == 0) snprintf(buf, size, "nothing");
}

/* The trap code whose message the expected text starts with, or SWASM_TRAP_NONE. */
static swasm_trap_t trap_code(const char *text) {
  for (int t = 1; t < SWASM_TRAP_COUNT; t++) {
    const char *m = swasm_trap_message((swasm_trap_t)t);
    if (m && *m && t != SWASM_TRAP_HOST && t != SWASM_TRAP_EXIT &&
        strncmp(text, m, strlen(m)) == 0)
      return (swasm_trap_t)t;
  }
  return SWASM_TRAP_NONE;
}

/* Checks a trap against the expected text: the kinds must agree when the text names one. */
static wast_result_t check_trap(wast_script_t *s, const char *what, const char *text,
                                const swasm_error_t *err) {
  swasm_trap_t want = text ? trap_code(text) : SWASM_TRAP_NONE;
  if (err->trap == SWASM_TRAP_NONE)
    return wast_fail(s, "%s: expected trap \"%s\", failed without a trap: %s", what,
                     text ? text : "", err->message);
  if (want != SWASM_TRAP_NONE && err->trap != want)
    return wast_fail(s, "%s: expected trap \"%s\", got \"%s\" (%s)", what, text,
                     swasm_trap_message(err->trap), err->message);
  if (want == SWASM_TRAP_NONE)
    wast_note(s, "%s: trapped (\"%s\"); expected text \"%s\" not checked", what, err->message,
              text ? text : "");
  return WAST_PASS;
}

/* ---- commands ------------------------------------------------------------------------- */

static wast_result_t cmd_module(wast_script_t *s, const wast_json_t *cmd) {
  const char *name = wast_json_get_str(cmd, "name");
  const char *file = wast_json_get_str(cmd, "filename");
  const char *mtype = wast_json_get_str(cmd, "module_type");
  if (mtype && strcmp(mtype, "binary") != 0) {
    s->current = (int64_t)wast_module_add_failed(s, name, WAST_MOD_SKIPPED);
    return wast_skip(s, "%s module", mtype);
  }
  if (!file) {
    s->current = (int64_t)wast_module_add_failed(s, name, WAST_MOD_FAILED);
    return wast_fail(s, "no filename");
  }
  wast_wasm_t *m;
  char msg[512];
  wast_status_t st = wast_module_read(s, file, &m, msg, sizeof msg);
  if (st != WAST_OK) {
    wast_modstate_t state = st == WAST_UNSUPPORTED ? WAST_MOD_SKIPPED : WAST_MOD_FAILED;
    s->current = (int64_t)wast_module_add_failed(s, name, state);
    if (state == WAST_MOD_SKIPPED) return wast_skip(s, "%s", msg);
    return wast_fail(s, "rejected: %s", msg);
  }
  size_t index;
  swasm_error_t err;
  bool inst_failed;
  wast_result_t r = wast_module_build(s, m, name, &index, &err, &inst_failed);
  s->current = (int64_t)index;
  if (inst_failed) return wast_fail(s, "%s: instantiation failed: %s", file, err.message);
  return r;
}

static wast_result_t cmd_register(wast_script_t *s, const wast_json_t *cmd) {
  const char *as = wast_json_get_str(cmd, "as");
  const char *name = wast_json_get_str(cmd, "name");
  wast_mod_t *m = wast_module_find(s, name);
  if (!as) return wast_fail(s, "no \"as\" name");
  if (!m) return wast_fail(s, "no module %s to register", name ? name : "defined");
  if (!wast_module_register(s, as, (size_t)(m - s->mods))) return wast_fail(s, "out of memory");
  if (m->state == WAST_MOD_SKIPPED) return wast_skip(s, "registers a skipped module");
  if (m->state == WAST_MOD_FAILED) return wast_fail(s, "registers a module that failed");
  return WAST_PASS;
}

static wast_result_t cmd_action(wast_script_t *s, const wast_json_t *cmd) {
  outcome_t o;
  wast_result_t r = run_action(s, cmd, &o);
  if (r == WAST_PASS && o.trapped) r = wast_fail(s, "%s trapped: %s", o.desc, o.err.message);
  free(o.vals);
  return r;
}

#define MAX_LANE_TYPES 64

/* Compares the results with one list of expected values (a JSON array), noting the
 * expectation's v128 lane types in lanes[0..MAX_LANE_TYPES). */
static wast_result_t compare_results(wast_script_t *s, const outcome_t *o,
                                     const wast_json_t *expected, bool *match, uint8_t *lanes) {
  size_t n = wast_json_count(expected);
  char err[256];
  *match = n == o->nresults;
  for (size_t i = 0; i < n; i++) {
    wast_value_t exp;
    if (!wast_value_parse(wast_json_at(expected, i), true, &exp, err, sizeof err))
      return wast_skip(s, "expected value %zu: %s", i, err);
    if (i < MAX_LANE_TYPES) lanes[i] = exp.lane_type;
    if (*match) *match = exp.type == o->types[i] && wast_value_match(&exp, &o->vals[i]);
  }
  return WAST_PASS;
}

static void format_expected(const wast_json_t *expected, char *buf, size_t size) {
  size_t pos = 0;
  char one[400], err[64];
  buf[0] = '\0';
  for (size_t i = 0; i < wast_json_count(expected) && pos < size; i++) {
    wast_value_t exp;
    if (wast_value_parse(wast_json_at(expected, i), true, &exp, err, sizeof err))
      wast_expect_format(&exp, one, sizeof one);
    else
      snprintf(one, sizeof one, "?");
    pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", one);
  }
  if (pos == 0) snprintf(buf, size, "nothing");
}

static wast_result_t cmd_assert_return(wast_script_t *s, const wast_json_t *cmd) {
  outcome_t o;
  wast_result_t r = run_action(s, cmd, &o);
  if (r != WAST_PASS) goto out;
  if (o.trapped) {
    r = wast_fail(s, "%s trapped: %s", o.desc, o.err.message);
    goto out;
  }
  const wast_json_t *either = wast_json_get(cmd, "either");
  bool match = false;
  char got[2048], want[2048];
  uint8_t lanes[MAX_LANE_TYPES] = {0};
  if (either) {
    /* Each alternative is one value for the single result. */
    for (size_t i = 0; i < wast_json_count(either) && r == WAST_PASS && !match; i++) {
      wast_json_t one = {.kind = WAST_JARR, .n = 1, .items = wast_json_at(either, i)};
      r = compare_results(s, &o, &one, &match, lanes);
    }
    snprintf(want, sizeof want, "one of %zu alternatives", wast_json_count(either));
  } else {
    const wast_json_t *expected = wast_json_get(cmd, "expected");
    r = compare_results(s, &o, expected, &match, lanes);
    format_expected(expected, want, sizeof want);
  }
  if (r == WAST_PASS && !match) {
    format_results(&o, lanes, MAX_LANE_TYPES, got, sizeof got);
    r = wast_fail(s, "%s: expected %s, got %s", o.desc, want, got);
  }
out:
  free(o.vals);
  return r;
}

static wast_result_t cmd_assert_trap(wast_script_t *s, const wast_json_t *cmd, bool exhaustion) {
  const char *text = wast_json_get_str(cmd, "text");
  outcome_t o;
  wast_result_t r = run_action(s, cmd, &o);
  if (r == WAST_PASS) {
    if (!o.trapped) {
      char got[2048];
      format_results(&o, NULL, 0, got, sizeof got);
      r = wast_fail(s, "%s: expected trap \"%s\", returned %s", o.desc, text ? text : "", got);
    } else {
      r = check_trap(s, o.desc, exhaustion ? "call stack exhausted" : text, &o.err);
    }
  }
  free(o.vals);
  return r;
}

/* assert_invalid and assert_malformed: decoding or validation must reject the module. */
static wast_result_t cmd_assert_rejected(wast_script_t *s, const wast_json_t *cmd, bool invalid) {
  const char *file = wast_json_get_str(cmd, "filename");
  const char *mtype = wast_json_get_str(cmd, "module_type");
  const char *text = wast_json_get_str(cmd, "text");
  if (mtype && strcmp(mtype, "binary") != 0) return wast_skip(s, "%s module", mtype);
  if (!file) return wast_fail(s, "no filename");
  wast_wasm_t *m;
  char msg[512];
  if (!text) text = "";
  switch (wast_module_read(s, file, &m, msg, sizeof msg)) {
  case WAST_OK:
    wast_wasm_free(m);
    return wast_fail(s, "%s: accepted, expected \"%s\"", file, text);
  case WAST_IO:
  case WAST_INTERNAL:
    return wast_fail(s, "%s", msg);
  case WAST_INVALID:
    if (!invalid) wast_note(s, "rejected as invalid (%s), expected malformed \"%s\"", msg, text);
    return WAST_PASS;
  case WAST_MALFORMED:
    if (invalid) wast_note(s, "rejected as malformed (%s), expected invalid \"%s\"", msg, text);
    return WAST_PASS;
  case WAST_LIMIT:
  case WAST_UNSUPPORTED:
    wast_note(s, "rejected (%s), expected \"%s\"", msg, text);
    return WAST_PASS;
  }
  return WAST_FAIL;
}

/* assert_unlinkable and assert_uninstantiable: a valid module whose instantiation fails. */
static wast_result_t cmd_assert_uninst(wast_script_t *s, const wast_json_t *cmd, bool link) {
  const char *file = wast_json_get_str(cmd, "filename");
  const char *mtype = wast_json_get_str(cmd, "module_type");
  const char *text = wast_json_get_str(cmd, "text");
  if (mtype && strcmp(mtype, "binary") != 0) return wast_skip(s, "%s module", mtype);
  if (!file) return wast_fail(s, "no filename");
  wast_wasm_t *m;
  char msg[512];
  wast_status_t st = wast_module_read(s, file, &m, msg, sizeof msg);
  if (st == WAST_UNSUPPORTED) return wast_skip(s, "%s", msg);
  if (st != WAST_OK) return wast_fail(s, "rejected: %s", msg);
  size_t index;
  swasm_error_t err;
  bool inst_failed;
  wast_result_t r = wast_module_build(s, m, NULL, &index, &err, &inst_failed);
  if (r == WAST_PASS) return wast_fail(s, "%s: instantiated, expected \"%s\"", file, text ? text : "");
  if (!inst_failed) return r;
  if (link) {
    if (err.trap != SWASM_TRAP_NONE)
      return wast_fail(s, "%s: trapped (%s), expected link error \"%s\"", file, err.message, text);
    return WAST_PASS;
  }
  return check_trap(s, file, text, &err);
}

static wast_result_t run_command(wast_script_t *s, const wast_json_t *cmd) {
  const char *type = s->cmd;
  if (strcmp(type, "module") == 0) return cmd_module(s, cmd);
  if (strcmp(type, "register") == 0) return cmd_register(s, cmd);
  if (strcmp(type, "action") == 0) return cmd_action(s, cmd);
  if (strcmp(type, "assert_return") == 0) return cmd_assert_return(s, cmd);
  if (strcmp(type, "assert_trap") == 0) {
    if (!wast_json_get(cmd, "action")) return cmd_assert_uninst(s, cmd, false);
    return cmd_assert_trap(s, cmd, false);
  }
  if (strcmp(type, "assert_exhaustion") == 0) return cmd_assert_trap(s, cmd, true);
  if (strcmp(type, "assert_invalid") == 0) return cmd_assert_rejected(s, cmd, true);
  if (strcmp(type, "assert_malformed") == 0) return cmd_assert_rejected(s, cmd, false);
  if (strcmp(type, "assert_unlinkable") == 0) return cmd_assert_uninst(s, cmd, true);
  if (strcmp(type, "assert_uninstantiable") == 0) return cmd_assert_uninst(s, cmd, false);
  return wast_skip(s, "command not supported");
}

const wast_json_t *wast_script_commands(const wast_json_t *root) {
  const wast_json_t *cmds = wast_json_get(root, "commands");
  return cmds && cmds->kind == WAST_JARR ? cmds : NULL;
}

static bool listed(size_t i, const size_t *list, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (list[k] == i) return true;
  return false;
}

void wast_run_script(const wast_json_t *root, const char *dir, const char *script,
                     const wast_opts_t *opts, size_t first, const size_t *skip, size_t nskip,
                     wast_report_cb report, void *env) {
  wast_opts_t quiet = *opts;
  quiet.verbose = 0;
  wast_script_t s = {.opts = first ? &quiet : opts, .dir = dir, .file = script, .current = -1,
                     .cmd = "script"};
  swasm_error_t err;
  memset(&err, 0, sizeof err);
  s.rt_ok = swasm_rt_init(&err);
  if (s.rt_ok) {
    s.spectest = wast_spectest_new(!opts->explicit_bounds, opts->verbose >= 2, &err);
    s.rt_ok = s.spectest != NULL;
  }
  if (!s.rt_ok) snprintf(s.rt_error, sizeof s.rt_error, "%s", err.message);
  const wast_json_t *cmds = wast_script_commands(root);
  for (size_t i = 0; i < wast_json_count(cmds); i++) {
    const wast_json_t *cmd = wast_json_at(cmds, i);
    s.line = 0;
    wast_json_get_int(cmd, "line", &s.line);
    s.cmd = wast_json_get_str(cmd, "type");
    if (!s.cmd) s.cmd = "?";
    if (i == first) s.opts = opts;
    if (listed(i, skip, nskip)) {
      if (strcmp(s.cmd, "module") == 0)
        s.current = (int64_t)wast_module_add_failed(&s, wast_json_get_str(cmd, "name"),
                                                    WAST_MOD_FAILED);
      continue;   /* the parent counted it */
    }
    wast_result_t r = run_command(&s, cmd);
    report(env, i < first ? WAST_REPLAYED : r);
  }
  wast_modules_free(&s);
}
