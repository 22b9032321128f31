/*
 * mer's SIMD kernels for tfjs-backend-wasm: the few operations whose tfjs-wasm kernels are slow on
 * the shapes mer's networks use (batched small matrix products in attention, transposes, sums over a
 * leading axis). Compiled to a standalone WebAssembly module that IMPORTS tfjs-wasm's linear memory,
 * so every pointer below is a byte offset into the tensors tfjs-wasm already holds: no copies.
 *
 * Rules that make sharing the memory safe: no static data (no data segments), no stack frames in
 * linear memory (no arrays or address-taken locals), no calls into libc. tools/build-wasm-kernels.sh
 * checks the compiled module for all three.
 *
 * Build: bash packages/backend/tools/build-wasm-kernels.sh (clang + wasm-ld, wasm32, -msimd128).
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Depth of the K panels mer_gemm accumulates C over. */
#define KC 256

/*
 * Register tiles of C = A·B. A's element (i, p) sits at a[i·rsA + p·csA] (row-major A: rsA = k,
 * csA = 1; a transposed A read in place: rsA = 1, csA = m); B is row-major with row stride ldb; C has
 * row stride ldc. Each output is one left-to-right sum over p.
 */
static inline void tile_4x8(const float *a, int rsA, int csA, const float *b, int ldb, float *c, int ldc, int k, int acc) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (acc) {
    c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4), c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4), c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
  }
  for (int p = 0; p < k; p++) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    b += ldb;
    v128_t x = wasm_f32x4_splat(a[0]);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
    x = wasm_f32x4_splat(a[rsA]);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
    x = wasm_f32x4_splat(a[2 * rsA]);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
    x = wasm_f32x4_splat(a[3 * rsA]);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
    a += csA;
  }
  wasm_v128_store(c, c00);
  wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10);
  wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20);
  wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30);
  wasm_v128_store(c + 3 * ldc + 4, c31);
}

static inline void tile_1x8(const float *a, int csA, const float *b, int ldb, float *c, int k, int acc) {
  v128_t c0 = acc ? wasm_v128_load(c) : wasm_f32x4_splat(0), c1 = acc ? wasm_v128_load(c + 4) : wasm_f32x4_splat(0);
  for (int p = 0; p < k; p++) {
    const v128_t x = wasm_f32x4_splat(a[0]);
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(b)));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
    a += csA;
    b += ldb;
  }
  wasm_v128_store(c, c0);
  wasm_v128_store(c + 4, c1);
}

static inline void tile_4x4(const float *a, int rsA, int csA, const float *b, int ldb, float *c, int ldc, int k, int acc) {
  v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
  if (acc) c0 = wasm_v128_load(c), c1 = wasm_v128_load(c + ldc), c2 = wasm_v128_load(c + 2 * ldc), c3 = wasm_v128_load(c + 3 * ldc);
  for (int p = 0; p < k; p++) {
    const v128_t b0 = wasm_v128_load(b);
    b += ldb;
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[0]), b0));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_f32x4_splat(a[rsA]), b0));
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_f32x4_splat(a[2 * rsA]), b0));
    c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_f32x4_splat(a[3 * rsA]), b0));
    a += csA;
  }
  wasm_v128_store(c, c0);
  wasm_v128_store(c + ldc, c1);
  wasm_v128_store(c + 2 * ldc, c2);
  wasm_v128_store(c + 3 * ldc, c3);
}

static inline void tile_1x4(const float *a, int csA, const float *b, int ldb, float *c, int k, int acc) {
  v128_t c0 = acc ? wasm_v128_load(c) : wasm_f32x4_splat(0);
  for (int p = 0; p < k; p++) {
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[0]), wasm_v128_load(b)));
    a += csA;
    b += ldb;
  }
  wasm_v128_store(c, c0);
}

/* One output element (the columns left after the vector tiles). */
static inline float dot(const float *a, int csA, const float *b, int ldb, int k, float s) {
  for (int p = 0; p < k; p++) s += a[p * csA] * b[p * ldb];
  return s;
}

/* Columns of B a packed panel holds (PANEL_N / 8 register tiles), and its scratch size in floats. */
#define PANEL_N 64
#define PACK_FLOATS (KC * PANEL_N)

/*
 * Copies B's panel [kc rows, 8·tiles columns] (row stride ldb) into pack as `tiles` consecutive
 * [kc][8] blocks, so a register tile reads 8 contiguous floats per step whatever ldb is (row strides
 * that are multiples of 1–4 KB otherwise map a panel's rows onto a few cache sets).
 */
static inline void pack_panel(const float *b, int ldb, float *pack, int kc, int tiles) {
  for (int t = 0; t < tiles; t++) {
    const float *src = b + t * 8;
    float *dst = pack + t * kc * 8;
    for (int p = 0; p < kc; p++, src += ldb, dst += 8) {
      wasm_v128_store(dst, wasm_v128_load(src));
      wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
    }
  }
}

/*
 * C (+)= A·B for one matrix: A's element (i, p) at a[i·rsA + p·csA], B row-major [k, n] with row
 * stride ldb, C [m, n] with row stride ldc; acc: add to C instead of overwriting it. B is taken in
 * panels of KC rows × PANEL_N columns, packed into `pack` (PACK_FLOATS floats of scratch); C
 * accumulates over the K panels in order, each output a left-to-right sum within a panel.
 */
static void gemm_one(const float *a, int rsA, int csA, const float *b, int ldb, float *c, int ldc, int m, int n, int k, int acc, float *pack) {
  const int n8 = n & ~7, n4 = n & ~3, m4 = m & ~3;
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = p0 + KC < k ? KC : k - p0, add = acc || p0 > 0;
    const float *ap = a + (long)p0 * csA, *bp = b + (long)p0 * ldb;
    for (int j0 = 0; j0 < n; j0 += PANEL_N) {
      const int j1 = j0 + PANEL_N < n ? j0 + PANEL_N : n;
      const int j8 = j1 < n8 ? j1 : n8, j4 = j1 < n4 ? j1 : n4;
      const int tiles = j8 > j0 ? (j8 - j0) / 8 : 0;
      pack_panel(bp + j0, ldb, pack, kc, tiles);
      int i = 0;
      for (; i < m4; i += 4) {
        const float *ai = ap + (long)i * rsA;
        float *ci = c + (long)i * ldc;
        for (int t = 0; t < tiles; t++) tile_4x8(ai, rsA, csA, pack + t * kc * 8, 8, ci + j0 + t * 8, ldc, kc, add);
        int j = j0 + tiles * 8;
        for (; j < j4; j += 4) tile_4x4(ai, rsA, csA, bp + j, ldb, ci + j, ldc, kc, add);
        for (; j < j1; j++)
          for (int r = 0; r < 4; r++) ci[r * ldc + j] = dot(ai + r * rsA, csA, bp + j, ldb, kc, add ? ci[r * ldc + j] : 0);
      }
      for (; i < m; i++) {
        const float *ai = ap + (long)i * rsA;
        float *ci = c + (long)i * ldc;
        for (int t = 0; t < tiles; t++) tile_1x8(ai, csA, pack + t * kc * 8, 8, ci + j0 + t * 8, kc, add);
        int j = j0 + tiles * 8;
        for (; j < j4; j += 4) tile_1x4(ai, csA, bp + j, ldb, ci + j, kc, add);
        for (; j < j1; j++) ci[j] = dot(ai, csA, bp + j, ldb, kc, add ? ci[j] : 0);
      }
    }
  }
}

/*
 * Batched C[t] = op(A[t])·B[t] for t < batch: op(A[t]) [m, k], B[t] [k, n], C[t] [m, n], row-major;
 * transA: A[t] is stored [k, m] and read transposed in place. strideA / strideB: floats between
 * consecutive batch items (0 broadcasts one matrix to every item). pack: PACK_FLOATS floats of
 * scratch (mer_pack_floats()). Each output is a left-to-right sum over k within panels of KC, the
 * panels added in order.
 */
EXPORT(mer_gemm)
void mer_gemm(const float *a, const float *b, float *c, int batch, int m, int n, int k, int strideA, int strideB, int transA, float *pack) {
  for (int t = 0; t < batch; t++)
    gemm_one(a + (long)t * strideA, transA ? 1 : k, transA ? m : 1, b + (long)t * strideB, n, c + (long)t * m * n, n, m, n, k, 0, pack);
}

/* Floats of scratch mer_gemm and mer_conv2d_filter_grad need for packing. */
EXPORT(mer_pack_floats)
int mer_pack_floats(void) { return PACK_FLOATS; }

/* y[c][r] = x[r][c] for a 4×4 block: x row stride ldx, y row stride ldy. */
static inline void transpose_4x4(const float *x, int ldx, float *y, int ldy) {
  const v128_t r0 = wasm_v128_load(x), r1 = wasm_v128_load(x + ldx), r2 = wasm_v128_load(x + 2 * ldx), r3 = wasm_v128_load(x + 3 * ldx);
  const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(y, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
  wasm_v128_store(y + ldy, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
  wasm_v128_store(y + 2 * ldy, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
  wasm_v128_store(y + 3 * ldy, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
}

/*
 * Swaps two adjacent axis groups: x [outer, p, q, inner] → y [outer, q, p, inner] (as 32-bit words,
 * so float32 and int32 alike). Every permutation that exchanges two neighbouring blocks of axes
 * reduces to this after merging axes that stay together.
 */
EXPORT(mer_swap_axes)
void mer_swap_axes(const float *x, float *y, int outer, int p, int q, int inner) {
  const long block = (long)p * q * inner;
  for (int o = 0; o < outer; o++) {
    const float *xo = x + o * block;
    float *yo = y + o * block;
    if (inner == 1) {
      /* Plain 2-D transpose, in 32×32 tiles of 4×4 SIMD blocks. */
      for (int i0 = 0; i0 < p; i0 += 32) {
        const int i1 = i0 + 32 < p ? i0 + 32 : p;
        for (int j0 = 0; j0 < q; j0 += 32) {
          const int j1 = j0 + 32 < q ? j0 + 32 : q;
          int i = i0;
          for (; i + 4 <= i1; i += 4) {
            int j = j0;
            for (; j + 4 <= j1; j += 4) transpose_4x4(xo + (long)i * q + j, q, yo + (long)j * p + i, p);
            for (; j < j1; j++)
              for (int r = 0; r < 4; r++) yo[(long)j * p + i + r] = xo[(long)(i + r) * q + j];
          }
          for (; i < i1; i++)
            for (int j = j0; j < j1; j++) yo[(long)j * p + i] = xo[(long)i * q + j];
        }
      }
    } else if ((inner & 3) == 0) {
      for (int i = 0; i < p; i++)
        for (int j = 0; j < q; j++) {
          const float *src = xo + ((long)i * q + j) * inner;
          float *dst = yo + ((long)j * p + i) * inner;
          for (int e = 0; e < inner; e += 4) wasm_v128_store(dst + e, wasm_v128_load(src + e));
        }
    } else {
      for (int i = 0; i < p; i++)
        for (int j = 0; j < q; j++) {
          const float *src = xo + ((long)i * q + j) * inner;
          float *dst = yo + ((long)j * p + i) * inner;
          for (int e = 0; e < inner; e++) dst[e] = src[e];
        }
    }
  }
}

/*
 * Sum over the middle axis: x [outer, r, inner] → y [outer, inner], each output a left-to-right sum
 * over r (inner ≥ 2; reductions over the last axis stay with tfjs-wasm).
 */
EXPORT(mer_sum_middle)
void mer_sum_middle(const float *x, float *y, int outer, int r, int inner) {
  const int inner4 = inner & ~3;
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (long)o * r * inner;
    float *yo = y + (long)o * inner;
    int e = 0;
    for (; e < inner4; e += 4) {
      v128_t s = wasm_f32x4_splat(0);
      for (int i = 0; i < r; i++) s = wasm_f32x4_add(s, wasm_v128_load(xo + (long)i * inner + e));
      wasm_v128_store(yo + e, s);
    }
    for (; e < inner; e++) {
      float s = 0;
      for (int i = 0; i < r; i++) s += xo[(long)i * inner + e];
      yo[e] = s;
    }
  }
}

/* y[0..len) = x[0..len) (len floats). */
static inline void copy_floats(const float *x, float *y, int len) {
  int e = 0;
  for (; e + 4 <= len; e += 4) wasm_v128_store(y + e, wasm_v128_load(x + e));
  for (; e < len; e++) y[e] = x[e];
}

/* y[0..len) += x[0..len). */
static inline void add_floats(const float *x, float *y, int len) {
  int e = 0;
  for (; e + 4 <= len; e += 4) wasm_v128_store(y + e, wasm_f32x4_add(wasm_v128_load(y + e), wasm_v128_load(x + e)));
  for (; e < len; e++) y[e] += x[e];
}

/* y[0..len) = 0. */
static inline void zero_floats(float *y, int len) {
  int e = 0;
  for (; e + 4 <= len; e += 4) wasm_v128_store(y + e, wasm_f32x4_splat(0));
  for (; e < len; e++) y[e] = 0;
}

/*
 * The geometry of a 2-D convolution in NHWC, as the arguments after the two pointers: input
 * [batch, ih, iw, c], output [batch, oh, ow, ·], filter taps kh × kw, strides sh, sw, dilations
 * dh, dw, zero padding pt (top), pl (left).
 */
#define CONV_GEOMETRY int batch, int ih, int iw, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl

/*
 * col2im: cols [batch·oh·ow, kh·kw·c] holds, for every output position, one value per tap and channel
 * (tap-major like a [kh, kw, c, ·] filter); dx [batch, ih, iw, c] = Σ of the entries whose tap reads
 * each input value (taps in the padding dropped). The input gradient of a convolution is
 * col2im(dy · filterᵀ).
 */
EXPORT(mer_col2im)
void mer_col2im(const float *cols, float *dx, CONV_GEOMETRY) {
  const int row = kh * kw * c;
  zero_floats(dx, batch * ih * iw * c);
  const float *in = cols;
  for (int b = 0; b < batch; b++)
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++, in += row) {
        const float *i = in;
        for (int ty = 0; ty < kh; ty++) {
          const int y = oy * sh + ty * dh - pt;
          for (int tx = 0; tx < kw; tx++, i += c) {
            const int xx = ox * sw + tx * dw - pl;
            if (y >= 0 && y < ih && xx >= 0 && xx < iw) add_floats(i, dx + (((long)b * ih + y) * iw + xx) * c, c);
          }
        }
      }
}

/*
 * ∂L/∂filter of a 2-D convolution (NHWC, any stride, dilation and padding) without an im2col buffer:
 * dfilter [kh, kw, c, co] = Σ over output positions of x(tap's input position)ᵀ · dy(position). For each
 * tap and output row, the valid output columns read input columns at a fixed stride, so each is one
 * product of an in-place transposed slice of x with a slice of dy, accumulated into the tap's
 * [c, co] block. pack: scratch as for mer_gemm.
 */
EXPORT(mer_conv2d_filter_grad)
void mer_conv2d_filter_grad(const float *x, const float *dy, float *dfilter, float *pack, int co, CONV_GEOMETRY) {
  zero_floats(dfilter, kh * kw * c * co);
  for (int ty = 0; ty < kh; ty++)
    for (int tx = 0; tx < kw; tx++) {
      float *dwt = dfilter + (long)(ty * kw + tx) * c * co;
      /* Output columns whose input column ox·sw + tx·dw − pl lies inside [0, iw). */
      const int off = tx * dw - pl;
      int ox0 = off >= 0 ? 0 : (-off + sw - 1) / sw;
      int ox1 = (iw - 1 - off) >= 0 ? (iw - 1 - off) / sw + 1 : 0;
      if (ox1 > ow) ox1 = ow;
      if (ox0 >= ox1) continue;
      for (int b = 0; b < batch; b++)
        for (int oy = 0; oy < oh; oy++) {
          const int y = oy * sh + ty * dh - pt;
          if (y < 0 || y >= ih) continue;
          const float *xs = x + (((long)b * ih + y) * iw + ox0 * sw + off) * c;
          const float *dys = dy + (((long)b * oh + oy) * ow + ox0) * co;
          gemm_one(xs, 1, sw * c, dys, co, dwt, co, c, co, ox1 - ox0, 1, pack);
        }
    }
}

/*
 * A strided block copy: y [d0, d1, d2] dense = x's element (i, j, e) at x[i·s0 + j·s1 + e] (32-bit
 * words). Any slice whose kept axes merge to three or fewer is one such copy.
 */
EXPORT(mer_copy_block)
void mer_copy_block(const float *x, float *y, int d0, int d1, int d2, int s0, int s1) {
  for (int i = 0; i < d0; i++)
    for (int j = 0; j < d1; j++, y += d2) copy_floats(x + (long)i * s0 + (long)j * s1, y, d2);
}

/*
 * One AdamW step for one parameter tensor of n floats, in a single pass (tfjs' Adam runs ~13 kernels
 * per parameter). Outputs the new parameter and moments; every operation is the float32 operation,
 * in the order tfjs' AdamOptimizer (after mer's decoupled decay) applies them, so results are equal
 * to the op-by-op update bit for bit:
 *   θ' = θ·shrink;  m' = m·β1 + g·(1−β1);  v' = v·β2 + g²·(1−β2)
 *   θ'' = (m'/c1) / (√(v'/c2) + ε) · (−lr) + θ'      (c1 = 1 − β1^t, c2 = 1 − β2^t)
 * decay = 0 skips the shrink (θ' = θ).
 */
EXPORT(mer_adamw)
void mer_adamw(const float *theta, const float *g, const float *m, const float *v, float *thetaOut, float *mOut, float *vOut, int n,
               int decay, float shrink, float b1, float omb1, float b2, float omb2, float c1, float c2, float eps, float nlr) {
  const v128_t vs = wasm_f32x4_splat(shrink), vb1 = wasm_f32x4_splat(b1), vomb1 = wasm_f32x4_splat(omb1);
  const v128_t vb2 = wasm_f32x4_splat(b2), vomb2 = wasm_f32x4_splat(omb2), vc1 = wasm_f32x4_splat(c1), vc2 = wasm_f32x4_splat(c2);
  const v128_t veps = wasm_f32x4_splat(eps), vnlr = wasm_f32x4_splat(nlr);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t t = wasm_v128_load(theta + i);
    if (decay) t = wasm_f32x4_mul(t, vs);
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t m1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vomb1));
    const v128_t v1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vomb2));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_div(m1, vc1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(v1, vc2)), veps));
    wasm_v128_store(mOut + i, m1);
    wasm_v128_store(vOut + i, v1);
    wasm_v128_store(thetaOut + i, wasm_f32x4_add(wasm_f32x4_mul(step, vnlr), t));
  }
  for (; i < n; i++) {
    float t = theta[i];
    if (decay) t = t * shrink;
    const float gi = g[i];
    const float m1 = m[i] * b1 + gi * omb1;
    const float v1 = v[i] * b2 + (gi * gi) * omb2;
    const float step = (m1 / c1) / (__builtin_sqrtf(v1 / c2) + eps);
    mOut[i] = m1;
    vOut[i] = v1;
    thetaOut[i] = step * nlr + t;
  }
}

/* LeakyReLU as tfjs defines it: y = x < 0 ? α·x : x. */
EXPORT(mer_leaky_relu)
void mer_leaky_relu(const float *x, float *y, int n, float alpha) {
  const v128_t va = wasm_f32x4_splat(alpha), zero = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_v128_bitselect(wasm_f32x4_mul(v, va), v, wasm_f32x4_lt(v, zero)));
  }
  for (; i < n; i++) y[i] = x[i] < 0 ? alpha * x[i] : x[i];
}

/* Its gradient as tfjs' LeakyRelu gradient computes it: dx = x > 0 ? dy : dy·α. */
EXPORT(mer_leaky_relu_grad)
void mer_leaky_relu_grad(const float *x, const float *dy, float *dx, int n, float alpha) {
  const v128_t va = wasm_f32x4_splat(alpha), zero = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t g = wasm_v128_load(dy + i);
    wasm_v128_store(dx + i, wasm_v128_bitselect(g, wasm_f32x4_mul(g, va), wasm_f32x4_gt(wasm_v128_load(x + i), zero)));
  }
  for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * alpha;
}

/* Σ x[0..d) with four SIMD partial sums, then the lanes and the tail in order. */
static inline float sum_floats(const float *x, int d) {
  v128_t s = wasm_f32x4_splat(0);
  int e = 0;
  for (; e + 4 <= d; e += 4) s = wasm_f32x4_add(s, wasm_v128_load(x + e));
  float t = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) + (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
  for (; e < d; e++) t += x[e];
  return t;
}

/*
 * LayerNorm over the last axis of x [rows, d]: y = (x − μ)·r·γ + β with μ the row mean,
 * r = 1/√(σ² + ε) and σ² the row's mean squared deviation (tf.moments' variance). Saves μ and r
 * per row for the gradient.
 */
EXPORT(mer_layer_norm)
void mer_layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd, int rows, int d, float eps) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * d;
    float *yr = y + (long)r * d;
    const float mu = sum_floats(xr, d) / (float)d;
    const v128_t vmu = wasm_f32x4_splat(mu);
    v128_t s = wasm_f32x4_splat(0);
    int e = 0;
    for (; e + 4 <= d; e += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_v128_load(xr + e), vmu);
      s = wasm_f32x4_add(s, wasm_f32x4_mul(c, c));
    }
    float ss = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) + (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
    for (; e < d; e++) ss += (xr[e] - mu) * (xr[e] - mu);
    const float rs = 1.0f / __builtin_sqrtf(ss / (float)d + eps);
    const v128_t vrs = wasm_f32x4_splat(rs);
    for (e = 0; e + 4 <= d; e += 4) {
      const v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + e), vmu), vrs);
      wasm_v128_store(yr + e, wasm_f32x4_add(wasm_f32x4_mul(h, wasm_v128_load(gamma + e)), wasm_v128_load(beta + e)));
    }
    for (; e < d; e++) yr[e] = (xr[e] - mu) * rs * gamma[e] + beta[e];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

/*
 * LayerNorm's gradient in one pass over the rows: with x̂ = (x − μ)·r and g = dy·γ,
 * dx = r·(g − mean(g) − x̂·mean(g·x̂)), dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.
 */
EXPORT(mer_layer_norm_grad)
void mer_layer_norm_grad(const float *x, const float *gamma, const float *dy, const float *mean, const float *rstd, float *dx, float *dgamma, float *dbeta, int rows, int d) {
  zero_floats(dgamma, d);
  zero_floats(dbeta, d);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * d, *dyr = dy + (long)r * d;
    float *dxr = dx + (long)r * d;
    const v128_t vmu = wasm_f32x4_splat(mean[r]), vrs = wasm_f32x4_splat(rstd[r]);
    v128_t sg = wasm_f32x4_splat(0), sgh = sg;
    int e = 0;
    for (; e + 4 <= d; e += 4) {
      const v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + e), vmu), vrs);
      const v128_t gy = wasm_v128_load(dyr + e);
      const v128_t g = wasm_f32x4_mul(gy, wasm_v128_load(gamma + e));
      sg = wasm_f32x4_add(sg, g);
      sgh = wasm_f32x4_add(sgh, wasm_f32x4_mul(g, h));
      wasm_v128_store(dgamma + e, wasm_f32x4_add(wasm_v128_load(dgamma + e), wasm_f32x4_mul(gy, h)));
      wasm_v128_store(dbeta + e, wasm_f32x4_add(wasm_v128_load(dbeta + e), gy));
    }
    float tg = (wasm_f32x4_extract_lane(sg, 0) + wasm_f32x4_extract_lane(sg, 1)) + (wasm_f32x4_extract_lane(sg, 2) + wasm_f32x4_extract_lane(sg, 3));
    float tgh = (wasm_f32x4_extract_lane(sgh, 0) + wasm_f32x4_extract_lane(sgh, 1)) + (wasm_f32x4_extract_lane(sgh, 2) + wasm_f32x4_extract_lane(sgh, 3));
    for (; e < d; e++) {
      const float h = (xr[e] - mean[r]) * rstd[r], g = dyr[e] * gamma[e];
      tg += g;
      tgh += g * h;
      dgamma[e] += dyr[e] * h;
      dbeta[e] += dyr[e];
    }
    const float mg = tg / (float)d, mgh = tgh / (float)d;
    const v128_t vmg = wasm_f32x4_splat(mg), vmgh = wasm_f32x4_splat(mgh);
    for (e = 0; e + 4 <= d; e += 4) {
      const v128_t h = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + e), vmu), vrs);
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(dyr + e), wasm_v128_load(gamma + e));
      wasm_v128_store(dxr + e, wasm_f32x4_mul(vrs, wasm_f32x4_sub(wasm_f32x4_sub(g, vmg), wasm_f32x4_mul(h, vmgh))));
    }
    for (; e < d; e++) {
      const float h = (xr[e] - mean[r]) * rstd[r], g = dyr[e] * gamma[e];
      dxr[e] = rstd[r] * (g - mg - h * mgh);
    }
  }
}

/*
 * Depthwise convolution gradients (NHWC; filter [kh, kw, c, cm], output channel ch·cm + q), both
 * walks over every (output position, tap) pair whose input lies inside the image. The geometry is
 * CONV_GEOMETRY with c the input channels; cm the channel multiplier. Channel loops are SIMD when
 * cm = 1 (every mer network), scalar otherwise.
 *   filter gradient (toInput = 0): out = dfilter, in = x:      dfilter[tap, ch, q] += x[pos, ch] · dy[o, ch·cm+q]
 *   input gradient  (toInput = 1): out = dx,      in = filter: dx[pos, ch] += Σ_q dy[o, ch·cm+q] · filter[tap, ch, q]
 * out must be zeroed first.
 */
static void depthwise_grad(const float *dy, const float *in, float *out, int cm, int toInput, CONV_GEOMETRY) {
  const int co = c * cm;
  for (int b = 0; b < batch; b++)
    for (int oy = 0; oy < oh; oy++)
      for (int ty = 0; ty < kh; ty++) {
        const int y = oy * sh + ty * dh - pt;
        if (y < 0 || y >= ih) continue;
        for (int ox = 0; ox < ow; ox++) {
          const float *dyp = dy + (((long)b * oh + oy) * ow + ox) * co;
          for (int tx = 0; tx < kw; tx++) {
            const int xx = ox * sw + tx * dw - pl;
            if (xx < 0 || xx >= iw) continue;
            const long pixel = (((long)b * ih + y) * iw + xx) * c, tap = (long)(ty * kw + tx) * co;
            /* Filter gradient: acc = dfilter[tap], src = x[pixel]. Input gradient: acc = dx[pixel], src = filter[tap]. */
            float *acc = toInput ? out + pixel : out + tap;
            const float *src = toInput ? in + tap : in + pixel;
            if (cm == 1) {
              int e = 0;
              for (; e + 4 <= c; e += 4)
                wasm_v128_store(acc + e, wasm_f32x4_add(wasm_v128_load(acc + e), wasm_f32x4_mul(wasm_v128_load(src + e), wasm_v128_load(dyp + e))));
              for (; e < c; e++) acc[e] += src[e] * dyp[e];
            } else if (toInput) {
              for (int ch = 0; ch < c; ch++) {
                float s = 0;
                for (int q = 0; q < cm; q++) s += dyp[ch * cm + q] * src[ch * cm + q];
                acc[ch] += s;
              }
            } else {
              for (int ch = 0; ch < c; ch++)
                for (int q = 0; q < cm; q++) acc[ch * cm + q] += src[ch] * dyp[ch * cm + q];
            }
          }
        }
      }
}

/* dfilter [kh, kw, c, cm] from x [batch, ih, iw, c] and dy [batch, oh, ow, c·cm]. */
EXPORT(mer_depthwise_filter_grad)
void mer_depthwise_filter_grad(const float *x, const float *dy, float *dfilter, int cm, CONV_GEOMETRY) {
  zero_floats(dfilter, kh * kw * c * cm);
  depthwise_grad(dy, x, dfilter, cm, 0, batch, ih, iw, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
}

/* dx [batch, ih, iw, c] from dy [batch, oh, ow, c·cm] and the filter [kh, kw, c, cm]. */
EXPORT(mer_depthwise_input_grad)
void mer_depthwise_input_grad(const float *dy, const float *filter, float *dx, int cm, CONV_GEOMETRY) {
  zero_floats(dx, batch * ih * iw * c);
  depthwise_grad(dy, filter, dx, cm, 1, batch, ih, iw, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
}

/*
 * Elementwise binary operations where one operand is broadcast along the leading axes: a [rows, d]
 * against b [d] (bRow) — a scalar is d = 1 — in either order (swap: compute b ∘ a). op: 0 add,
 * 1 sub, 2 mul, 3 div; each the float32 operation, so results equal tfjs' kernels.
 */
static inline v128_t vop(int op, v128_t a, v128_t b) {
  switch (op) {
    case 0: return wasm_f32x4_add(a, b);
    case 1: return wasm_f32x4_sub(a, b);
    case 2: return wasm_f32x4_mul(a, b);
    default: return wasm_f32x4_div(a, b);
  }
}
static inline float sop(int op, float a, float b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    default: return a / b;
  }
}

EXPORT(mer_binary_row)
void mer_binary_row(const float *a, const float *bRow, float *y, int rows, int d, int op, int swap) {
  if (d == 1) {
    const float s = bRow[0];
    const v128_t vs = wasm_f32x4_splat(s);
    const long n = (long)rows;
    long i = 0;
    if (swap) {
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, vop(op, vs, wasm_v128_load(a + i)));
      for (; i < n; i++) y[i] = sop(op, s, a[i]);
    } else {
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, vop(op, wasm_v128_load(a + i), vs));
      for (; i < n; i++) y[i] = sop(op, a[i], s);
    }
    return;
  }
  for (int r = 0; r < rows; r++) {
    const float *ar = a + (long)r * d;
    float *yr = y + (long)r * d;
    int e = 0;
    if (swap) {
      for (; e + 4 <= d; e += 4) wasm_v128_store(yr + e, vop(op, wasm_v128_load(bRow + e), wasm_v128_load(ar + e)));
      for (; e < d; e++) yr[e] = sop(op, bRow[e], ar[e]);
    } else {
      for (; e + 4 <= d; e += 4) wasm_v128_store(yr + e, vop(op, wasm_v128_load(ar + e), wasm_v128_load(bRow + e)));
      for (; e < d; e++) yr[e] = sop(op, ar[e], bRow[e]);
    }
  }
}

/*
 * Max-pool gradient (NHWC, window kh × kw, no dilation): each dy value goes to the first position
 * of its window, in row-major window order, holding the window's maximum (tfjs' rule: a later equal
 * value does not take over; padding never wins). Channels in SIMD lanes, argmax tracked per lane.
 */
EXPORT(mer_max_pool_grad)
void mer_max_pool_grad(const float *x, const float *dy, float *dx, CONV_GEOMETRY) {
  (void)dh;
  (void)dw;
  zero_floats(dx, batch * ih * iw * c);
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int b = 0; b < batch; b++)
    for (int oy = 0; oy < oh; oy++) {
      const int y0 = oy * sh - pt, ya = y0 < 0 ? 0 : y0, yb = y0 + kh < ih ? y0 + kh : ih;
      for (int ox = 0; ox < ow; ox++) {
        const int x0 = ox * sw - pl, xa = x0 < 0 ? 0 : x0, xb = x0 + kw < iw ? x0 + kw : iw;
        const float *dyp = dy + (((long)b * oh + oy) * ow + ox) * c;
        int e = 0;
        for (; e + 4 <= c; e += 4) {
          v128_t best = ninf, at = wasm_i32x4_splat(-1);
          for (int y = ya; y < yb; y++)
            for (int xx = xa; xx < xb; xx++) {
              const int pos = ((b * ih + y) * iw + xx) * c + e;
              const v128_t v = wasm_v128_load(x + pos);
              const v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              at = wasm_v128_bitselect(wasm_i32x4_splat(pos), at, more);
            }
          const int p0 = wasm_i32x4_extract_lane(at, 0), p1 = wasm_i32x4_extract_lane(at, 1);
          const int p2 = wasm_i32x4_extract_lane(at, 2), p3 = wasm_i32x4_extract_lane(at, 3);
          if (p0 >= 0) dx[p0] += dyp[e];
          if (p1 >= 0) dx[p1 + 1] += dyp[e + 1];
          if (p2 >= 0) dx[p2 + 2] += dyp[e + 2];
          if (p3 >= 0) dx[p3 + 3] += dyp[e + 3];
        }
        for (; e < c; e++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int y = ya; y < yb; y++)
            for (int xx = xa; xx < xb; xx++) {
              const int pos = ((b * ih + y) * iw + xx) * c + e;
              if (x[pos] > best) best = x[pos], at = pos;
            }
          if (at >= 0) dx[at] += dyp[e];
        }
      }
    }
}
