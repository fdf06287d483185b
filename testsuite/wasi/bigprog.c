/* bigprog.c - a program of the size users compile (about 100 KB of wasm: regex, stdio,
 * floating-point formatting, math, getopt, time, wide characters), built into an executable
 * with one swasmc command and checked end to end. */
// ARGS: --count 3 -v "b[aeiou]+"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static const char *const text =
    "The quick brown fox jumps over the lazy dog. A bee buzzes by the boat; "
    "the baby bounces a blue ball. Bread, butter and beans: a banquet!";

/* ---- word frequencies: an open-addressing table ---- */

typedef struct word {
  char *text;
  int count;
} word_t;

static word_t table[256];

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static void count_word(const char *w) {
  uint32_t i = hash(w) & 255;
  while (table[i].text && strcmp(table[i].text, w) != 0) i = (i + 1) & 255;
  if (!table[i].text) table[i].text = strdup(w);
  table[i].count++;
}

static int by_count(const void *a, const void *b) {
  const word_t *x = a, *y = b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->text ? x->text : "", y->text ? y->text : "");
}

static void frequencies(int top) {
  char buf[32];
  int n = 0;
  for (const char *p = text;; p++) {
    if (isalpha((unsigned char)*p)) {
      if (n < 31) buf[n++] = (char)tolower((unsigned char)*p);
    } else {
      if (n) {
        buf[n] = 0;
        count_word(buf);
      }
      n = 0;
      if (!*p) break;
    }
  }
  qsort(table, 256, sizeof table[0], by_count);
  for (int i = 0; i < top && table[i].text; i++)
    printf("word %s %d\n", table[i].text, table[i].count);
}

/* ---- regular expressions ---- */

static void matches(const char *pattern, int verbose) {
  regex_t re;
  int rc = regcomp(&re, pattern, REG_EXTENDED | REG_ICASE);
  if (rc != 0) {
    char msg[128];
    regerror(rc, &re, msg, sizeof msg);
    printf("regcomp: %s\n", msg);
    return;
  }
  int found = 0;
  const char *p = text;
  regmatch_t m[1];
  while (regexec(&re, p, 1, m, 0) == 0) {
    if (verbose && found < 4)
      printf("match '%.*s'\n", (int)(m[0].rm_eo - m[0].rm_so), p + m[0].rm_so);
    found++;
    p += m[0].rm_eo ? m[0].rm_eo : 1;
  }
  printf("%d matches\n", found);
  regfree(&re);
}

/* ---- numbers: statistics, formatting, parsing ---- */

static void numbers(void) {
  double v[16], sum = 0, sq = 0;
  for (int i = 0; i < 16; i++) {
    v[i] = sin(i * 0.5) * 100.0 + sqrt((double)i);
    sum += v[i];
  }
  double mean = sum / 16;
  for (int i = 0; i < 16; i++) sq += (v[i] - mean) * (v[i] - mean);
  printf("mean %.6f sd %.6f\n", mean, sqrt(sq / 15));
  printf("exp %.10g log %.10g pow %.10g\n", exp(1.5), log(10.0), pow(2.0, 0.5));
  printf("fmt %e %g %a\n", 12345.678, 0.0001234, 1.0);
  char *end;
  double d = strtod("6.02214076e23 rest", &end);
  printf("strtod %.9g then '%s'\n", d, end);
  long l = strtol("-0x7fff", NULL, 16);
  unsigned long long u = strtoull("18446744073709551615", NULL, 10);
  printf("strtol %ld strtoull %llu\n", l, u);
}

/* ---- a small expression evaluator (recursive descent) ---- */

static const char *ep;

static double expr(void);

static double atom(void) {
  while (*ep == ' ') ep++;
  if (*ep == '(') {
    ep++;
    double x = expr();
    while (*ep == ' ') ep++;
    if (*ep == ')') ep++;
    return x;
  }
  if (*ep == '-') {
    ep++;
    return -atom();
  }
  char *end;
  double x = strtod(ep, &end);
  ep = end;
  return x;
}

static double factor(void) {
  double x = atom();
  while (*ep == ' ') ep++;
  if (*ep == '^') {
    ep++;
    return pow(x, factor());
  }
  return x;
}

static double term(void) {
  double x = factor();
  for (;;) {
    while (*ep == ' ') ep++;
    if (*ep == '*') { ep++; x *= factor(); }
    else if (*ep == '/') { ep++; x /= factor(); }
    else return x;
  }
}

static double expr(void) {
  double x = term();
  for (;;) {
    while (*ep == ' ') ep++;
    if (*ep == '+') { ep++; x += term(); }
    else if (*ep == '-') { ep++; x -= term(); }
    else return x;
  }
}

static void evaluate(void) {
  static const char *const inputs[] = {"1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-4 / (2 - 4)",
                                       "3.5 * (2 + 0.25) - 1e1"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    ep = inputs[i];
    printf("%s = %g\n", inputs[i], expr());
  }
}

/* ---- checksums and encodings ---- */

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c >> 1 ^ (0xedb88320u & -(c & 1));
  }
  return ~c;
}

static void base64(const uint8_t *p, size_t n, char *out) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    out[o++] = a[v >> 18 & 63];
    out[o++] = a[v >> 12 & 63];
    out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? a[v & 63] : '=';
  }
  out[o] = 0;
}

/* ---- files in the granted directory ---- */

static void files(void) {
  FILE *f = fopen("/sandbox/hello.txt", "r");
  char line[64] = "";
  if (!f || !fgets(line, sizeof line, f)) {
    printf("cannot read hello.txt: %s\n", strerror(errno));
  } else {
    line[strcspn(line, "\n")] = 0;
    char b64[128];
    base64((const uint8_t *)line, strlen(line), b64);
    printf("hello.txt '%s' crc %08x base64 %s\n", line,
           crc32((const uint8_t *)line, strlen(line)), b64);
  }
  if (f) fclose(f);
  FILE *out = fopen("/sandbox/report.txt", "w");
  if (out) {
    for (int i = 1; i <= 5; i++) fprintf(out, "%d %d\n", i, i * i);
    fclose(out);
  }
  int total = 0, a, b;
  FILE *in = fopen("/sandbox/report.txt", "r");
  while (in && fscanf(in, "%d %d", &a, &b) == 2) total += b;
  if (in) fclose(in);
  printf("report.txt sum of squares %d\n", total);
}

/* ---- time and wide characters ---- */

static void misc(void) {
  struct tm tm = {.tm_year = 124, .tm_mon = 1, .tm_mday = 29, .tm_hour = 13, .tm_min = 5};
  char buf[64];
  time_t t = timegm(&tm);   /* also fills in the weekday and the day of the year */
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %A %j", &tm);
  printf("date %s epoch %lld\n", buf, (long long)t);
  wchar_t w[32];
  size_t n = mbstowcs(w, "wide chars", 32);
  printf("wide %zu %lc%lc\n", n, (wint_t)w[0], (wint_t)w[5]);
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {{"count", required_argument, NULL, 'c'},
                                           {"verbose", no_argument, NULL, 'v'},
                                           {NULL, 0, NULL, 0}};
  int top = 5, verbose = 0, c;
  while ((c = getopt_long(argc, argv, "c:v", longopts, NULL)) != -1) {
    if (c == 'c') top = atoi(optarg);
    else if (c == 'v') verbose = 1;
    else return 2;
  }
  frequencies(top);
  matches(optind < argc ? argv[optind] : "the", verbose);
  numbers();
  evaluate();
  files();
  misc();
  return 0;
}

// Expected output:
//> word the 4
//> word a 3
//> word and 1
//> match 'bee'
//> match 'bu'
//> match 'boa'
//> match 'ba'
//> 9 matches
//> mean 13.456773 sd 70.204921
//> exp 4.48168907 log 2.302585093 pow 1.414213562
//> fmt 1.234568e+04 0.0001234 0x1p+0
//> strtod 6.02214076e+23 then ' rest'
//> strtol -32767 strtoull 18446744073709551615
//> 1 + 2 * 3 = 7
//> (1 + 2) * 3 = 9
//> 2 ^ 3 ^ 2 = 512
//> -4 / (2 - 4) = 2
//> 3.5 * (2 + 0.25) - 1e1 = -2.125
//> hello.txt 'hello' crc 3610a686 base64 aGVsbG8=
//> report.txt sum of squares 55
//> date 2024-02-29 13:05 Thursday 060 epoch 1709211900
//> wide 10 wc
