/* bench_svg.c - the chart of 'swasm bench': one group of bars per program (and one for the
 * geometric mean), one bar per engine, the height the ratio of its CPU time to native's on a
 * log scale, drawn up or down from the native line at 1. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

enum { BAR = 12, BAR_GAP = 2, GROUP_GAP = 18, LEFT = 64, RIGHT = 56, TOP = 64, PLOT_H = 320,
       BOTTOM = 96 };

static const char *const colors[BE_COUNT] = {
  [BE_NATIVE] = "#555555", [BE_SWASM] = "#1f6fb4", [BE_NODE_TURBOFAN] = "#e8730c",
  [BE_NODE] = "#f5b878", [BE_WASM2C] = "#2c9f3c"};

typedef struct chart {
  FILE *f;
  double lo, hi;      /* log2 of the axis ends */
  int engines[BE_COUNT], ne;
  int group_w;
} chart_t;

static double y_of(const chart_t *c, double ratio) {
  double l = log2(ratio);
  if (l < c->lo) l = c->lo;
  if (l > c->hi) l = c->hi;
  return TOP + PLOT_H * (c->hi - l) / (c->hi - c->lo);
}

static void text_escaped(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else fputc(*s, f);
  }
}

static void axis(const chart_t *c, int width) {
  for (int k = (int)c->lo; k <= (int)c->hi; k++) {
    double y = y_of(c, exp2(k));
    fprintf(c->f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"%s\"/>\n", LEFT, y, width - RIGHT, y, k == 0 ? "#000" : "#ddd",
            k == 0 ? "1.5" : "1");
    fprintf(c->f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g×</text>\n", LEFT - 6,
            y + 4, exp2(k));
  }
  fprintf(c->f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#000\">native</text>\n",
          width - RIGHT + 6, y_of(c, 1.0) + 4);
}

static void legend(const chart_t *c) {
  int x = LEFT;
  for (int i = 0; i < c->ne; i++) {
    int e = c->engines[i];
    fprintf(c->f, "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>"
            "<text x=\"%d\" y=\"45\">%s</text>\n", x, colors[e], x + 16, bench_engines[e].label);
    x += 16 + 7 * (int)strlen(bench_engines[e].label) + 18;
  }
}

static void bar(const chart_t *c, int x, int e, double r, const char *name) {
  double y1 = y_of(c, 1.0);
  if (isnan(r)) {
    fprintf(c->f, "<text x=\"%d\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" "
            "fill=\"#999\">–</text>\n", x + BAR / 2, y1 - 3);
    return;
  }
  double y = y_of(c, r);
  double top = y < y1 ? y : y1, h = fabs(y - y1);
  fprintf(c->f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
          "<title>%s, %s: %.2f× native</title></rect>\n", x, top, BAR, h < 1 ? 1 : h, colors[e],
          name, bench_engines[e].label, r);
}

static void group(const chart_t *c, int x0, const char *name, const double *ratios) {
  for (int i = 0; i < c->ne; i++)
    bar(c, x0 + i * (BAR + BAR_GAP), c->engines[i], ratios[i], name);
  int cx = x0 + c->group_w / 2;
  int ly = TOP + PLOT_H + 14;
  fprintf(c->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-35 %d %d)\">",
          cx, ly, cx, ly);
  text_escaped(c->f, name);
  fprintf(c->f, "</text>\n");
}

/* The axis covers every ratio, in whole powers of two, and at least 0.5× to 2×. */
static void scale(chart_t *c, const bench_prog_t *progs, int n) {
  double lo = -1, hi = 1;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < c->ne; k++) {
      double r = bench_ratio(&progs[i], c->engines[k]);
      if (isnan(r) || r <= 0) continue;
      if (log2(r) < lo) lo = floor(log2(r));
      if (log2(r) > hi) hi = ceil(log2(r));
    }
  c->lo = lo < -6 ? -6 : lo;
  c->hi = hi > 8 ? 8 : hi;
}

static int write_svg_to(FILE *f, const bench_prog_t *progs, int n) {
  chart_t c = {.f = f};
  for (int e = BE_SWASM; e < BE_COUNT; e++)
    if (bench_engines[e].selected) c.engines[c.ne++] = e;
  c.group_w = c.ne * (BAR + BAR_GAP) - BAR_GAP;
  scale(&c, progs, n);
  int width = LEFT + RIGHT + (n + 1) * (c.group_w + GROUP_GAP);
  if (width < 560) width = 560;
  int height = TOP + PLOT_H + BOTTOM;
  fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
          "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height,
          width, height);
  fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
  fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">CPU time relative "
          "to native (median of rounds; log scale, lower is better)</text>\n", LEFT);
  legend(&c);
  axis(&c, width);
  int x = LEFT + GROUP_GAP / 2;
  double ratios[BE_COUNT];
  for (int i = 0; i < n; i++, x += c.group_w + GROUP_GAP) {
    for (int k = 0; k < c.ne; k++) ratios[k] = bench_ratio(&progs[i], c.engines[k]);
    group(&c, x, progs[i].name, ratios);
  }
  for (int k = 0; k < c.ne; k++) {
    int cnt;
    ratios[k] = bench_geomean(progs, n, c.engines[k], &cnt);
  }
  group(&c, x, "geometric mean", ratios);
  fprintf(f, "</svg>\n");
  return ferror(f) ? -1 : 0;
}

typedef struct svg_ctx { const bench_prog_t *progs; int n; } svg_ctx_t;

static void svg_body(FILE *f, void *vctx) {
  svg_ctx_t *c = vctx;
  write_svg_to(f, c->progs, c->n);
}

int bench_write_svg(const char *path, const bench_prog_t *progs, int n) {
  svg_ctx_t ctx = {progs, n};
  return bench_write_file(path, svg_body, &ctx);
}
