/* nn.c - a neural-network forward pass in single precision: a 3x3 convolution layer with ReLU
 * and 2x2 max pooling over a batch of images, then a three-layer perceptron (ReLU) and a
 * softmax computed with a polynomial exp, so no libm routine decides the result. */
// bench-quick: 10
#include "bench.h"

#define IMG 32
#define CIN 3
#define COUT 16
#define POOL (IMG / 2)
#define FLAT (COUT * POOL * POOL)
#define H1 256
#define H2 128
#define NOUT 10

typedef struct net {
  float conv_w[COUT][CIN][3][3], conv_b[COUT];
  float *w1, b1[H1], *w2, b2[H2], *w3, b3[NOUT];
} net_t;

static void fill(float *p, size_t n, float scale, bench_rng_t *r) {
  for (size_t i = 0; i < n; i++) p[i] = bench_unit(r) * scale;
}

static void conv_relu_pool(const net_t *net, const float *img, float *out) {
  static float act[COUT][IMG][IMG];
  for (int co = 0; co < COUT; co++)
    for (int y = 0; y < IMG; y++)
      for (int x = 0; x < IMG; x++) {
        float s = net->conv_b[co];
        for (int ci = 0; ci < CIN; ci++)
          for (int dy = -1; dy <= 1; dy++) {
            int yy = y + dy;
            if (yy < 0 || yy >= IMG) continue;
            for (int dx = -1; dx <= 1; dx++) {
              int xx = x + dx;
              if (xx < 0 || xx >= IMG) continue;
              s += net->conv_w[co][ci][dy + 1][dx + 1] * img[(ci * IMG + yy) * IMG + xx];
            }
          }
        act[co][y][x] = s > 0 ? s : 0;
      }
  for (int co = 0; co < COUT; co++)
    for (int y = 0; y < POOL; y++)
      for (int x = 0; x < POOL; x++) {
        float m = act[co][2 * y][2 * x];
        if (act[co][2 * y][2 * x + 1] > m) m = act[co][2 * y][2 * x + 1];
        if (act[co][2 * y + 1][2 * x] > m) m = act[co][2 * y + 1][2 * x];
        if (act[co][2 * y + 1][2 * x + 1] > m) m = act[co][2 * y + 1][2 * x + 1];
        out[(co * POOL + y) * POOL + x] = m;
      }
}

/* out = relu(W in + b), W row-major [nout][nin]. */
static void dense(const float *w, const float *b, const float *in, float *out, int nin,
                  int nout, int relu) {
  for (int o = 0; o < nout; o++) {
    const float *row = w + (size_t)o * nin;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = 0; i < nin; i += 4) {
      s0 += row[i] * in[i];
      s1 += row[i + 1] * in[i + 1];
      s2 += row[i + 2] * in[i + 2];
      s3 += row[i + 3] * in[i + 3];
    }
    float s = (s0 + s1) + (s2 + s3) + b[o];
    out[o] = relu && s < 0 ? 0 : s;
  }
}

/* exp(x) for x <= 0 by range reduction to [-1/16, 0] and a degree-5 Taylor polynomial. */
static float exp_neg(float x) {
  if (x < -80.0f) return 0.0f;
  int k = 0;
  while (x < -0.0625f) { x *= 0.5f; k++; }
  float y = 1.0f + x * (1.0f + x * (0.5f + x * (1.0f / 6 + x * (1.0f / 24 + x * (1.0f / 120)))));
  while (k--) y *= y;
  return y;
}

int main(int argc, char **argv) {
  uint32_t batch = bench_size(argc, argv, 1200);
  net_t *net = bench_alloc(sizeof *net);
  bench_rng_t r = bench_rng(23);
  fill(&net->conv_w[0][0][0][0], sizeof net->conv_w / sizeof(float), 0.4f, &r);
  fill(net->conv_b, COUT, 0.1f, &r);
  net->w1 = bench_alloc(sizeof(float) * FLAT * H1);
  net->w2 = bench_alloc(sizeof(float) * H1 * H2);
  net->w3 = bench_alloc(sizeof(float) * H2 * NOUT);
  fill(net->w1, (size_t)FLAT * H1, 0.03f, &r);
  fill(net->b1, H1, 0.1f, &r);
  fill(net->w2, (size_t)H1 * H2, 0.08f, &r);
  fill(net->b2, H2, 0.1f, &r);
  fill(net->w3, (size_t)H2 * NOUT, 0.1f, &r);
  fill(net->b3, NOUT, 0.1f, &r);
  float *img = bench_alloc(sizeof(float) * CIN * IMG * IMG);
  float *flat = bench_alloc(sizeof(float) * FLAT), h1[H1], h2[H2], out[NOUT];
  uint64_t h = 0;
  uint32_t votes[NOUT] = {0};
  for (uint32_t b = 0; b < batch; b++) {
    for (int i = 0; i < CIN * IMG * IMG; i++) img[i] = (bench_unit(&r) + 1.0f) * 0.5f;
    conv_relu_pool(net, img, flat);
    dense(net->w1, net->b1, flat, h1, FLAT, H1, 1);
    dense(net->w2, net->b2, h1, h2, H1, H2, 1);
    dense(net->w3, net->b3, h2, out, H2, NOUT, 0);
    float mx = out[0], sum = 0;
    int arg = 0;
    for (int i = 1; i < NOUT; i++) if (out[i] > mx) { mx = out[i]; arg = i; }
    for (int i = 0; i < NOUT; i++) sum += out[i] = exp_neg(out[i] - mx);
    for (int i = 0; i < NOUT; i++) h = bench_mix(h, bench_f32_bits(out[i] / sum));
    votes[arg]++;
  }
  printf("class votes:");
  for (int i = 0; i < NOUT; i++) printf(" %u", votes[i]);
  printf("\n");
  free(net->w1); free(net->w2); free(net->w3); free(net); free(img); free(flat);
  return bench_done(h);
}
