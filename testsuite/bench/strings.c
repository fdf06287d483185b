/* strings.c - a string-heavy workload: builds lines of text with snprintf and strcat, splits
 * them into words, counts words in a chained hash table keyed by strings, searches with strstr,
 * rewrites words (case, reversal), and sorts the distinct words with strcmp. */
// bench-quick: 2000
#include "bench.h"

#define NBUCKET 4096

typedef struct entry { char *word; uint32_t count; struct entry *next; } entry_t;

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static entry_t *count_word(entry_t **tab, const char *w, size_t *distinct) {
  uint32_t b = hash_str(w) & (NBUCKET - 1);
  for (entry_t *e = tab[b]; e; e = e->next)
    if (strcmp(e->word, w) == 0) { e->count++; return e; }
  entry_t *e = bench_alloc(sizeof *e);
  size_t n = strlen(w);
  e->word = bench_alloc(n + 1);
  memcpy(e->word, w, n + 1);
  e->count = 1;
  e->next = tab[b];
  tab[b] = e;
  ++*distinct;
  return e;
}

static void make_word(bench_rng_t *r, char *out) {
  static const char *syll[] = {"ka", "lo", "mi", "nu", "ri", "sen", "ta", "vo", "xe", "zu",
                               "ba", "che", "do", "fi", "gu", "ha"};
  uint32_t n = 1 + bench_below(r, 3) + (bench_below(r, 4) == 0);
  out[0] = 0;
  for (uint32_t i = 0; i < n; i++) strcat(out, syll[bench_below(r, 16) & (i ? 15 : 7)]);
}

static int cmp_words(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void merge_sort_words(char **a, char **tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort_words(a, tmp, h);
  merge_sort_words(a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp_words(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

int main(int argc, char **argv) {
  uint32_t lines = bench_size(argc, argv, 200000);
  entry_t **tab = bench_alloc(sizeof(entry_t *) * NBUCKET);
  memset(tab, 0, sizeof(entry_t *) * NBUCKET);
  bench_rng_t r = bench_rng(31);
  size_t distinct = 0;
  uint64_t h = 0, hits = 0;
  char line[512], word[64], rev[64];
  for (uint32_t l = 0; l < lines; l++) {
    snprintf(line, sizeof line, "line %u:", l);
    uint32_t nw = 4 + bench_below(&r, 12);
    for (uint32_t i = 0; i < nw; i++) {
      make_word(&r, word);
      strcat(line, " ");
      strcat(line, word);
    }
    if (strstr(line, "zusen") || strstr(line, "kaka")) hits++;
    const char *p = strchr(line, ':') + 1;
    while (*p) {
      while (*p == ' ') p++;
      size_t len = strcspn(p, " ");
      if (len == 0) break;
      memcpy(word, p, len);
      word[len] = 0;
      p += len;
      entry_t *e = count_word(tab, word, &distinct);
      if (e->count % 64 == 0) {   /* occasionally rewrite: reversed, upper-cased */
        for (size_t i = 0; i < len; i++) rev[i] = (char)(word[len - 1 - i] - 'a' + 'A');
        rev[len] = 0;
        h = bench_mix(h, hash_str(rev));
      }
    }
  }
  char **words = bench_alloc(sizeof(char *) * distinct), **tmp = bench_alloc(sizeof(char *) * distinct);
  size_t k = 0;
  for (int b = 0; b < NBUCKET; b++)
    for (entry_t *e = tab[b]; e; e = e->next) words[k++] = e->word;
  merge_sort_words(words, tmp, distinct);
  for (size_t i = 0; i < distinct; i++) h = bench_mix(h, hash_str(words[i]));
  for (int b = 0; b < NBUCKET; b++)
    for (entry_t *e = tab[b]; e; e = e->next) h = bench_mix(h, e->count ^ hash_str(e->word));
  h = bench_mix(bench_mix(h, hits), distinct);
  printf("%zu distinct words, first %s, last %s, %llu lines matched\n", distinct, words[0],
         words[distinct - 1], (unsigned long long)hits);
  for (int b = 0; b < NBUCKET; b++)
    for (entry_t *e = tab[b], *nx; e; e = nx) { nx = e->next; free(e->word); free(e); }
  free(tab); free(words); free(tmp);
  return bench_done(h);
}
