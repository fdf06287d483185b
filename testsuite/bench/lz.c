/* lz.c - compression: an LZ77 compressor with hash chains (greedy parse with one step of lazy
 * matching) over generated text-like data, then the decompressor, and a round-trip check. */
// bench-quick: 1
#include "bench.h"

#define WIN (1u << 16)
#define HBITS 15
#define MINM 6
#define MAXM 258
#define CHAIN 32

/* Token stream: a literal run "0 len bytes..." or a match "1 len(2) dist(2)". A match is at
 * least MINM bytes so the output is at most 8/7 of the input (literal, match, literal, ...). */
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  int32_t *head = bench_alloc(sizeof(int32_t) << HBITS);
  int32_t *prev = bench_alloc(sizeof(int32_t) * WIN);
  for (size_t i = 0; i < (1u << HBITS); i++) head[i] = -1;
  size_t o = 0, lit_start = 0, i = 0;
#define HASH(p) ((((uint32_t)(p)[0] << 16 | (uint32_t)(p)[1] << 8 | (p)[2]) * 2654435761u) >> (32 - HBITS))
#define INSERT(pos) do { uint32_t hh = HASH(in + (pos)); prev[(pos) & (WIN - 1)] = head[hh]; head[hh] = (int32_t)(pos); } while (0)
  while (i + MINM <= n) {
    size_t best = 0, bdist = 0;
    for (int pass = 0; pass < 2 && i + pass + MINM <= n; pass++) {
      size_t at = i + pass, len = 0, dist = 0;
      int32_t cand = head[HASH(in + at)];
      for (int c = 0; c < CHAIN && cand >= 0 && at - (size_t)cand < WIN; c++) {
        size_t m = 0, lim = n - at < MAXM ? n - at : MAXM;
        while (m < lim && in[cand + m] == in[at + m]) m++;
        if (m > len) { len = m; dist = at - (size_t)cand; }
        cand = prev[cand & (WIN - 1)];
      }
      if (pass == 0) { best = len; bdist = dist; INSERT(i); }
      else if (len > best + 1) { best = 0; }   /* lazy: the next position does better */
    }
    if (best >= MINM) {
      while (lit_start < i) {
        size_t run = i - lit_start < 255 ? i - lit_start : 255;
        out[o++] = 0; out[o++] = (unsigned char)run;
        memcpy(out + o, in + lit_start, run);
        o += run; lit_start += run;
      }
      out[o++] = 1;
      out[o++] = (unsigned char)(best >> 8); out[o++] = (unsigned char)best;
      out[o++] = (unsigned char)(bdist >> 8); out[o++] = (unsigned char)bdist;
      for (size_t k = 1; k < best && i + k + 3 <= n; k++) INSERT(i + k);
      i += best;
      lit_start = i;
    } else {
      i++;
    }
  }
  while (lit_start < n) {
    size_t run = n - lit_start < 255 ? n - lit_start : 255;
    out[o++] = 0; out[o++] = (unsigned char)run;
    memcpy(out + o, in + lit_start, run);
    o += run; lit_start += run;
  }
  free(head); free(prev);
  return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    if (in[i] == 0) {
      size_t run = in[i + 1];
      memcpy(out + o, in + i + 2, run);
      o += run; i += 2 + run;
    } else {
      size_t len = (size_t)in[i + 1] << 8 | in[i + 2], dist = (size_t)in[i + 3] << 8 | in[i + 4];
      for (size_t k = 0; k < len; k++) out[o + k] = out[o - dist + k];   /* may overlap */
      o += len; i += 5;
    }
  }
  return o;
}

/* Words drawn with a skewed distribution, numbers and punctuation: compresses roughly 3:1. */
static void generate(unsigned char *buf, size_t n) {
  static const char *words[] = {"the", "of", "compile", "wasm", "module", "function", "memory",
    "table", "global", "export", "import", "native", "code", "benchmark", "and", "a", "to",
    "linear", "stack", "value", "type", "block", "loop", "branch", "call", "return"};
  bench_rng_t r = bench_rng(99);
  size_t o = 0;
  while (o < n) {
    uint32_t x = bench_below(&r, 1000);
    char tmp[32];
    int len;
    if (x < 900) {
      uint32_t w = bench_below(&r, 26);
      w = w * w / 26;
      len = snprintf(tmp, sizeof tmp, "%s ", words[w]);
    } else if (x < 980) {
      len = snprintf(tmp, sizeof tmp, "%u ", bench_below(&r, 100000));
    } else {
      len = snprintf(tmp, sizeof tmp, ".\n");
    }
    for (int k = 0; k < len && o < n; k++) buf[o++] = (unsigned char)tmp[k];
  }
}

int main(int argc, char **argv) {
  uint32_t mb = bench_size(argc, argv, 8);
  size_t n = (size_t)mb << 20;
  unsigned char *in = bench_alloc(n), *c = bench_alloc(n + n / 4 + 64), *d = bench_alloc(n);
  generate(in, n);
  size_t clen = compress(in, n, c);
  uint64_t h = bench_mix_bytes(0, c, clen);
  size_t dlen = 0;
  for (int rep = 0; rep < 4; rep++) dlen = decompress(c, clen, d);
  if (dlen != n || memcmp(in, d, n) != 0) {
    fprintf(stderr, "round trip failed\n");
    return 1;
  }
  h = bench_mix(h, clen);
  printf("%zu -> %zu bytes\n", n, clen);
  free(in); free(c); free(d);
  return bench_done(h);
}
