/* inst_command.c - running a wasi:cli/command component: instantiate it against the WASI 0.2
 * host, call the `run` function of its wasi:cli/run export, and turn the outcome into a
 * process exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inst.h"

static bool run_type_ok(const swasm_cm_type_t *t) {
  return t && t->kind == SWASM_CM_FUNCTYPE && t->n == 0 && t->a &&
         t->a->kind == SWASM_CM_RESULT && !t->a->a && !t->a->b;
}

static int call_run(swasm_cinst_t *inst, swasm_error_t *err) {
  swasm_cfunc_t run;
  if (!swasm_cinst_export(inst, "wasi:cli/run@0.2.0#run", &run)) {
    ci_fail(err, "not a wasi:cli/command: the component exports no wasi:cli/run@0.2.x#run");
    return SWASM_WASI_STATUS_ERROR;
  }
  if (!run_type_ok(run.type)) {
    ci_fail(err, "not a wasi:cli/command: its run function is not `func() -> result`");
    return SWASM_WASI_STATUS_ERROR;
  }
  swasm_carena_t *arena = swasm_carena_new();
  if (!arena) {
    ci_fail(err, "out of memory");
    return SWASM_WASI_STATUS_ERROR;
  }
  swasm_cval_t result;
  memset(&result, 0, sizeof result);
  int status;
  if (swasm_cinst_call(&run, NULL, &result, arena, err)) status = result.u.var.index == 0 ? 0 : 1;
  else if (err->trap == SWASM_TRAP_EXIT) status = err->exit_code & 0xff;
  else status = SWASM_WASI_STATUS_TRAP;
  swasm_carena_free(arena);
  return status;
}

int swasm_component_run_command(const swasm_component_t *c, const swasm_compile_opts_t *copts,
                                const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  swasm_link_opts_t opts;
  memset(&opts, 0, sizeof opts);
  if (copts) opts.compile = *copts;
  return swasm_component_run_command_with(c, &opts, cfg, err);
}

int swasm_component_run_command_with(const swasm_component_t *c, const swasm_link_opts_t *lo,
                                     const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  swasm_error_t local;
  if (!err) err = &local;
  memset(err, 0, sizeof *err);
  swasm_wasi2_t *w = swasm_wasi2_new(cfg, err);
  if (!w) return SWASM_WASI_STATUS_ERROR;
  swasm_link_opts_t opts = *lo;
  uint32_t nw;
  swasm_chost_t *const *wh = swasm_wasi2_hosts(w, &nw);
  swasm_chost_t **hosts = calloc((size_t)nw + lo->nhosts + 1, sizeof *hosts);
  if (!hosts) {
    swasm_wasi2_free(w);
    ci_fail(err, "out of memory");
    return SWASM_WASI_STATUS_ERROR;
  }
  memcpy(hosts, wh, (size_t)nw * sizeof *hosts);
  if (lo->nhosts) memcpy(hosts + nw, lo->hosts, (size_t)lo->nhosts * sizeof *hosts);
  opts.hosts = hosts;
  opts.nhosts = nw + lo->nhosts;
  swasm_cinst_t *inst = swasm_cinst_new(c, &opts, err);
  int status;
  if (!inst) {
    if (err->trap == SWASM_TRAP_EXIT) status = err->exit_code & 0xff;
    else if (err->trap != SWASM_TRAP_NONE) status = SWASM_WASI_STATUS_TRAP;
    else status = SWASM_WASI_STATUS_ERROR;
  } else {
    status = call_run(inst, err);
    swasm_cinst_free(inst);
  }
  swasm_wasi2_free(w);
  free(hosts);
  return status;
}
