/* sort.c - sorting: an introsort (quicksort, median of three, insertion sort for small runs,
 * heapsort past a depth limit) of 32-bit keys, a stable merge sort of key/index records and an
 * LSD radix sort, each result checked for order and folded into the checksum. */
// bench-quick: 20000
#include "bench.h"

typedef struct rec { uint32_t key, idx; } rec_t;

static void insertion(uint32_t *a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static void sift(uint32_t *a, long lo, long n, long i) {
  for (;;) {
    long c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[lo + c + 1] > a[lo + c]) c++;
    if (a[lo + i] >= a[lo + c]) return;
    uint32_t t = a[lo + i]; a[lo + i] = a[lo + c]; a[lo + c] = t;
    i = c;
  }
}

static void heapsort_range(uint32_t *a, long lo, long hi) {
  long n = hi - lo + 1;
  for (long i = n / 2 - 1; i >= 0; i--) sift(a, lo, n, i);
  for (long end = n - 1; end > 0; end--) {
    uint32_t t = a[lo]; a[lo] = a[lo + end]; a[lo + end] = t;
    sift(a, lo, end, 0);
  }
}

static void introsort(uint32_t *a, long lo, long hi, int depth) {
  while (hi - lo > 16) {
    if (depth-- == 0) { heapsort_range(a, lo, hi); return; }
    long mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) { uint32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { uint32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { uint32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    uint32_t pivot = a[mid];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { introsort(a, lo, j, depth); lo = i; }
    else { introsort(a, i, hi, depth); hi = j; }
  }
  insertion(a, lo, hi);
}

static void merge_sort(rec_t *a, rec_t *tmp, size_t n) {
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[j].key < a[i].key ? a[j++] : a[i++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    memcpy(a, tmp, n * sizeof(rec_t));
  }
}

static void radix_sort(uint32_t *a, uint32_t *tmp, size_t n) {
  for (int shift = 0; shift < 32; shift += 8) {
    size_t count[257] = {0};
    for (size_t i = 0; i < n; i++) count[((a[i] >> shift) & 0xff) + 1]++;
    for (int b = 0; b < 256; b++) count[b + 1] += count[b];
    for (size_t i = 0; i < n; i++) tmp[count[(a[i] >> shift) & 0xff]++] = a[i];
    memcpy(a, tmp, n * sizeof(uint32_t));
  }
}

static uint64_t fold_sorted(const uint32_t *a, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && a[i - 1] > a[i]) { fprintf(stderr, "not sorted at %zu\n", i); exit(1); }
    h = h * 31 + a[i];
  }
  return h;
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 3500000);
  uint32_t *a = bench_alloc(sizeof(uint32_t) * n), *b = bench_alloc(sizeof(uint32_t) * n);
  rec_t *r = bench_alloc(sizeof(rec_t) * n), *rt = bench_alloc(sizeof(rec_t) * n);
  bench_rng_t g = bench_rng(5);
  for (uint32_t i = 0; i < n; i++) {
    a[i] = (uint32_t)bench_next(&g);
    b[i] = a[i];
    r[i].key = a[i] % 1000;   /* many equal keys: stability shows in the idx order */
    r[i].idx = i;
  }
  introsort(a, 0, (long)n - 1, 64);
  uint64_t h = fold_sorted(a, n);
  merge_sort(r, rt, n);
  uint64_t hm = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i && (r[i - 1].key > r[i].key || (r[i - 1].key == r[i].key && r[i - 1].idx > r[i].idx))) {
      fprintf(stderr, "merge sort not stable at %u\n", i);
      return 1;
    }
    hm = hm * 131 + r[i].idx;
  }
  radix_sort(b, (uint32_t *)rt, n);
  if (memcmp(a, b, sizeof(uint32_t) * n) != 0) { fprintf(stderr, "radix sort differs\n"); return 1; }
  h = bench_mix(bench_mix(h, hm), a[n / 2]);
  printf("median %u\n", a[n / 2]);
  free(a); free(b); free(r); free(rt);
  return bench_done(h);
}
