;; Float kernels of the collapsed engine in WebAssembly (SIMD128), bit-identical to the TS kernels of
;; ../ts/kernels.ts and ../ts/window.ts: every output is computed by the same float64 operations in
;; the same order as there and rounded to float32 once when it is stored. SIMD lanes run across
;; INDEPENDENT outputs (f64x2: two adjacent outputs, each with its own order of operations), never
;; across the terms of one sum. Where a kernel uses float32 arithmetic (f32x4.add, f32x4.mul) it is
;; one IEEE operation on float32 operands, which float64-then-round gives bit for bit (float64 has
;; more than 2 * 24 + 2 bits, so double rounding of + and * is innocuous).
;;
;; Addresses are byte offsets into the shared memory that ./heap.ts manages; f32 tensors and f64
;; scratch (acc, rows, scales, divisors) live there. Build: `node scripts/build-wasm-kernels.mjs`.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; dst[k] = src[k] < 0 ? +0 : src[k] (NaN and -0 stay): a compare and a mask, no arithmetic.
  (func (export "relu") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $end i32) (local $v v128) (local $s f32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load align=4 (i32.add (local.get $src) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $dst) (local.get $i))
        (v128.andnot (local.get $v) (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f32.load (i32.add (local.get $src) (local.get $i))))
      (f32.store (i32.add (local.get $dst) (local.get $i))
        (select (f32.const 0) (local.get $s) (f32.lt (local.get $s) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; dst[k] = src[k] * 0 (float32 multiply: +-0 for finite, NaN for inf and NaN).
  (func (export "zero") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=4 (i32.add (local.get $dst) (local.get $i))
        (f32x4.mul (v128.load align=4 (i32.add (local.get $src) (local.get $i))) (v128.const f32x4 0 0 0 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $dst) (local.get $i))
        (f32.mul (f32.load (i32.add (local.get $src) (local.get $i))) (f32.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; dst[k] = a[k] + b[k] (one float32 addition; dst may be a or b).
  (func (export "add") (param $a i32) (param $b i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store align=4 (i32.add (local.get $dst) (local.get $i))
        (f32x4.add (v128.load align=4 (i32.add (local.get $a) (local.get $i)))
                   (v128.load align=4 (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $dst) (local.get $i))
        (f32.add (f32.load (i32.add (local.get $a) (local.get $i))) (f32.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))

  ;; dst[k] = f32(scale * f64(src[k])): the 1x1 conv of one stored channel (kernels.ts fast path).
  ;; Returns $sum plus (with $withSum) every value stored, as float64, in order (see $window3x3).
  (func (export "scale") (param $src i32) (param $dst i32) (param $n i32) (param $scale f64) (param $sum f64) (param $withSum i32) (result f64)
    (local $i i32) (local $end i32) (local $s v128) (local $v v128) (local $f f32)
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (f32x4.demote_f64x2_zero (f64x2.mul (local.get $s)
        (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $src) (local.get $i)))))))
      (v128.store64_lane align=4 0 (i32.add (local.get $dst) (local.get $i)) (local.get $v))
      (if (local.get $withSum)
        (then
          (local.set $v (f64x2.promote_low_f32x4 (local.get $v)))
          (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $v))))
          (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $v))))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $next)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $f (f32.demote_f64 (f64.mul (local.get $scale) (f64.promote_f32 (f32.load (i32.add (local.get $src) (local.get $i)))))))
        (f32.store (i32.add (local.get $dst) (local.get $i)) (local.get $f))
        (if (local.get $withSum) (then (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (local.get $f))))))))
    (local.get $sum))

  ;; start + src[0] + src[1] + ... + src[n-1], left to right in float64 (a BatchNorm sum, in order).
  (func (export "sum") (param $start f64) (param $src i32) (param $n i32) (result f64)
    (local $p i32) (local $end i32) (local $s f64)
    (local.set $s (local.get $start))
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $next)))
    (local.get $s))

  ;; The float32 exponent fields of src[0 .. n): (largest field) * 256 + (smallest field of a nonzero
  ;; value), 255 for the smallest when every value is zero; a largest of 255 means inf or NaN. The
  ;; caller decides from them whether every sum of these values is exact in float64 (then any order of
  ;; addition gives the bits of the in-order sum, see ./kernels.ts exactSumPossible).
  (func (export "exponentRange") (param $src i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $bits v128) (local $e v128) (local $hi v128) (local $lo v128)
    (local $b i32) (local $f i32) (local $max i32) (local $min i32)
    (local.set $lo (i32x4.splat (i32.const 255)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $bits (v128.load align=4 (i32.add (local.get $src) (local.get $i))))
      (local.set $e (v128.and (i32x4.shr_u (local.get $bits) (i32.const 23)) (i32x4.splat (i32.const 255))))
      (local.set $hi (i32x4.max_u (local.get $hi) (local.get $e)))
      ;; zeros (either sign) do not count for the smallest
      (local.set $lo (i32x4.min_u (local.get $lo)
        (v128.bitselect (i32x4.splat (i32.const 255)) (local.get $e)
          (i32x4.eq (v128.and (local.get $bits) (i32x4.splat (i32.const 0x7fffffff))) (v128.const i32x4 0 0 0 0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (local.set $max (i32.const 0))
    (local.set $min (i32.const 255))
    (local.set $f (i32x4.extract_lane 0 (local.get $hi)))
    (if (i32.gt_u (local.get $f) (local.get $max)) (then (local.set $max (local.get $f))))
    (local.set $f (i32x4.extract_lane 1 (local.get $hi)))
    (if (i32.gt_u (local.get $f) (local.get $max)) (then (local.set $max (local.get $f))))
    (local.set $f (i32x4.extract_lane 2 (local.get $hi)))
    (if (i32.gt_u (local.get $f) (local.get $max)) (then (local.set $max (local.get $f))))
    (local.set $f (i32x4.extract_lane 3 (local.get $hi)))
    (if (i32.gt_u (local.get $f) (local.get $max)) (then (local.set $max (local.get $f))))
    (local.set $f (i32x4.extract_lane 0 (local.get $lo)))
    (if (i32.lt_u (local.get $f) (local.get $min)) (then (local.set $min (local.get $f))))
    (local.set $f (i32x4.extract_lane 1 (local.get $lo)))
    (if (i32.lt_u (local.get $f) (local.get $min)) (then (local.set $min (local.get $f))))
    (local.set $f (i32x4.extract_lane 2 (local.get $lo)))
    (if (i32.lt_u (local.get $f) (local.get $min)) (then (local.set $min (local.get $f))))
    (local.set $f (i32x4.extract_lane 3 (local.get $lo)))
    (if (i32.lt_u (local.get $f) (local.get $min)) (then (local.set $min (local.get $f))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $b (i32.load (i32.add (local.get $src) (local.get $i))))
      (local.set $f (i32.and (i32.shr_u (local.get $b) (i32.const 23)) (i32.const 255)))
      (if (i32.gt_u (local.get $f) (local.get $max)) (then (local.set $max (local.get $f))))
      (if (i32.and (i32.ne (i32.and (local.get $b) (i32.const 0x7fffffff)) (i32.const 0)) (i32.lt_u (local.get $f) (local.get $min)))
        (then (local.set $min (local.get $f))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next)))
    (i32.or (i32.shl (local.get $max) (i32.const 8)) (local.get $min)))

  ;; start + the sum of src[0 .. n) in float64, in four lanes: ONLY for values whose every partial sum
  ;; is exact (the caller checks with exponentRange), where the grouping cannot change a bit.
  (func (export "sumExact") (param $start f64) (param $src i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $v v128) (local $a v128) (local $b v128) (local $s f64)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load align=4 (i32.add (local.get $src) (local.get $i))))
      (local.set $a (f64x2.add (local.get $a) (f64x2.promote_low_f32x4 (local.get $v))))
      (local.set $b (f64x2.add (local.get $b)
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $next)))
    (local.set $a (f64x2.add (local.get $a) (local.get $b)))
    (local.set $s (f64.add (local.get $start)
      (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a)))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (i32.add (local.get $src) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next)))
    (local.get $s))

;; dst[k] = f32((in-order float64 sum of plane k) / plane) for k < planes: global average pooling
  ;; (kernels.ts globalavgpool).
  (func (export "planeMeans") (param $src i32) (param $dst i32) (param $planes i32) (param $plane i32)
    (local $k i32) (local $p i32) (local $end i32) (local $s f64)
    (local.set $p (local.get $src))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $planes)))
      (local.set $s (f64.const 0))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $plane) (i32.const 2))))
      (block $planeDone (loop $sum
        (br_if $planeDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $sum)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2)))
        (f32.demote_f64 (f64.div (local.get $s) (f64.convert_i32_u (local.get $plane)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next))))

  ;; maxNan(a, b) of window.ts on four float32 lanes: b where b > a or b is NaN, else a. No arithmetic,
  ;; so float32 lanes give the TS bits; the order of the operands still matters for +0 against -0.
  (func $maxNan4 (param $a v128) (param $b v128) (result v128)
    (v128.bitselect (local.get $b) (local.get $a)
      (v128.or (f32x4.gt (local.get $b) (local.get $a)) (f32x4.ne (local.get $b) (local.get $b)))))

  (func $maxNan (param $a f32) (param $b f32) (result f32)
    (select (local.get $b) (local.get $a)
      (i32.or (f32.gt (local.get $b) (local.get $a)) (f32.ne (local.get $b) (local.get $b)))))

  ;; 3x3 stride-1 pad-1 max pooling of `planes` h x w planes, window.ts maxPoolPlane's separable case
  ;; in its order: m = x; m = maxNan(m, left); m = maxNan(m, right) per row, then the same with the
  ;; rows above and below. $rows: h*w f32 scratch.
  (func (export "maxpool3x3") (param $src i32) (param $dst i32) (param $planes i32) (param $h i32) (param $w i32) (param $rows i32)
    (local $k i32) (local $y i32) (local $x i32) (local $in i32) (local $r i32) (local $out i32) (local $wb i32)
    (local $m v128) (local $f f32) (local $up i32) (local $down i32) (local $plane i32)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $h) (local.get $wb)))
    (block $planesDone (loop $nextPlane
      (br_if $planesDone (i32.ge_u (local.get $k) (local.get $planes)))
      ;; rows: horizontal maxima
      (local.set $y (i32.const 0))
      (block $rowsDone (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $h)))
        (local.set $in (i32.add (i32.add (local.get $src) (i32.mul (local.get $k) (local.get $plane))) (i32.mul (local.get $y) (local.get $wb))))
        (local.set $r (i32.add (local.get $rows) (i32.mul (local.get $y) (local.get $wb))))
        (local.set $x (i32.const 0))
        (block $done (loop $next
          (br_if $done (i32.ge_s (local.get $x) (local.get $w)))
          (if (i32.and (i32.gt_s (local.get $x) (i32.const 0)) (i32.le_s (i32.add (local.get $x) (i32.const 5)) (local.get $w)))
            (then
              ;; four interior outputs x .. x+3, with both neighbours in bounds
              (local.set $m (v128.load align=4 (i32.add (local.get $in) (i32.shl (local.get $x) (i32.const 2)))))
              (local.set $m (call $maxNan4 (local.get $m) (v128.load align=4 (i32.add (local.get $in) (i32.shl (i32.sub (local.get $x) (i32.const 1)) (i32.const 2))))))
              (local.set $m (call $maxNan4 (local.get $m) (v128.load align=4 (i32.add (local.get $in) (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 2))))))
              (v128.store align=4 (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 2))) (local.get $m))
              (local.set $x (i32.add (local.get $x) (i32.const 4))))
            (else
              (local.set $f (f32.load (i32.add (local.get $in) (i32.shl (local.get $x) (i32.const 2)))))
              (if (i32.gt_s (local.get $x) (i32.const 0))
                (then (local.set $f (call $maxNan (local.get $f) (f32.load (i32.add (local.get $in) (i32.shl (i32.sub (local.get $x) (i32.const 1)) (i32.const 2))))))))
              (if (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (local.get $w))
                (then (local.set $f (call $maxNan (local.get $f) (f32.load (i32.add (local.get $in) (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 2))))))))
              (f32.store (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 2))) (local.get $f))
              (local.set $x (i32.add (local.get $x) (i32.const 1)))))
          (br $next)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row)))
      ;; columns: vertical maxima into dst
      (local.set $y (i32.const 0))
      (block $colsDone (loop $col
        (br_if $colsDone (i32.ge_u (local.get $y) (local.get $h)))
        (local.set $r (i32.add (local.get $rows) (i32.mul (local.get $y) (local.get $wb))))
        (local.set $out (i32.add (i32.add (local.get $dst) (i32.mul (local.get $k) (local.get $plane))) (i32.mul (local.get $y) (local.get $wb))))
        (local.set $up (i32.gt_u (local.get $y) (i32.const 0)))
        (local.set $down (i32.lt_u (i32.add (local.get $y) (i32.const 1)) (local.get $h)))
        (local.set $x (i32.const 0))
        (block $done (loop $next
          (br_if $done (i32.gt_s (i32.add (local.get $x) (i32.const 4)) (local.get $w)))
          (local.set $in (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 2))))
          (local.set $m (v128.load align=4 (local.get $in)))
          (if (local.get $up) (then (local.set $m (call $maxNan4 (local.get $m) (v128.load align=4 (i32.sub (local.get $in) (local.get $wb)))))))
          (if (local.get $down) (then (local.set $m (call $maxNan4 (local.get $m) (v128.load align=4 (i32.add (local.get $in) (local.get $wb)))))))
          (v128.store align=4 (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))) (local.get $m))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (br $next)))
        (block $done (loop $next
          (br_if $done (i32.ge_s (local.get $x) (local.get $w)))
          (local.set $in (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 2))))
          (local.set $f (f32.load (local.get $in)))
          (if (local.get $up) (then (local.set $f (call $maxNan (local.get $f) (f32.load (i32.sub (local.get $in) (local.get $wb)))))))
          (if (local.get $down) (then (local.set $f (call $maxNan (local.get $f) (f32.load (i32.add (local.get $in) (local.get $wb)))))))
          (f32.store (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))) (local.get $f))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $next)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $col)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $nextPlane))))

  ;; Max pooling over any square window (window.ts maxPoolPlane's general loop): per output, m = -inf,
  ;; then m = maxNan(m, x) over the in-bounds taps row by row; padding never wins.
  (func (export "maxpool") (param $src i32) (param $dst i32) (param $planes i32) (param $inH i32) (param $inW i32)
        (param $outH i32) (param $outW i32) (param $kernel i32) (param $stride i32) (param $pad i32)
    (local $k i32) (local $oy i32) (local $ox i32) (local $y i32) (local $x i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $m f32) (local $in i32) (local $out i32)
    (block $planesDone (loop $nextPlane
      (br_if $planesDone (i32.ge_u (local.get $k) (local.get $planes)))
      (local.set $in (i32.add (local.get $src) (i32.shl (i32.mul (local.get $k) (i32.mul (local.get $inH) (local.get $inW))) (i32.const 2))))
      (local.set $out (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $k) (i32.mul (local.get $outH) (local.get $outW))) (i32.const 2))))
      (local.set $oy (i32.const 0))
      (block $rowsDone (loop $row
        (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $colsDone (loop $col
          (br_if $colsDone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $m (f32.const -inf))
          ;; y from max(0, oy*stride - pad) to min(inH, oy*stride - pad + kernel)
          (local.set $y (i32.sub (i32.mul (local.get $oy) (local.get $stride)) (local.get $pad)))
          (local.set $y1 (i32.add (local.get $y) (local.get $kernel)))
          (if (i32.lt_s (local.get $y) (i32.const 0)) (then (local.set $y (i32.const 0))))
          (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $stride)) (local.get $pad)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kernel)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (block $yDone (loop $yNext
            (br_if $yDone (i32.ge_s (local.get $y) (local.get $y1)))
            (local.set $x (local.get $x0))
            (block $xDone (loop $xNext
              (br_if $xDone (i32.ge_s (local.get $x) (local.get $x1)))
              (local.set $m (call $maxNan (local.get $m)
                (f32.load (i32.add (local.get $in) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $inW)) (local.get $x)) (i32.const 2))))))
              (local.set $x (i32.add (local.get $x) (i32.const 1)))
              (br $xNext)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $yNext)))
          (f32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $outW)) (local.get $ox)) (i32.const 2))) (local.get $m))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $col)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $row)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $nextPlane))))

    ;; start + sum of (src[k] - mean)^2, left to right in float64 (the BatchNorm variance, in order).
  (func (export "squares") (param $start f64) (param $src i32) (param $n i32) (param $mean f64) (result f64)
    (local $p i32) (local $end i32) (local $s f64) (local $d f64)
    (local.set $s (local.get $start))
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $d (f64.sub (f64.promote_f32 (f32.load (local.get $p))) (local.get $mean)))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $next)))
    (local.get $s))

  ;; dst[k] = f32((f64(src[k]) - mean) * scale): BatchNorm's output pass, two outputs per f64x2.
  (func (export "normalize") (param $src i32) (param $dst i32) (param $n i32) (param $mean f64) (param $scale f64)
    (local $i i32) (local $end i32) (local $m v128) (local $s v128)
    (local.set $m (f64x2.splat (local.get $mean)))
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store64_lane align=4 0 (i32.add (local.get $dst) (local.get $i))
        (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $src) (local.get $i))))
          (local.get $m)) (local.get $s))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $next)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f32.store (i32.add (local.get $dst) (local.get $i))
        (f32.demote_f64 (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $src) (local.get $i)))) (local.get $mean)) (local.get $scale)))))))

  ;; acc[p] += scale * (3x3 window sum at p) over one h x w f32 plane at $src, zero padding, stride 1,
  ;; exactly window.ts accumulate3x3: rows[x] = (src[x-1] + src[x]) + src[x+1] (edges: two terms),
  ;; then s = (rows[y] + rows[y-1]) + rows[y+1] (edges: fewer terms). $rows is h*w f64 scratch.
  ;; With $dst other than -1, the pass that would add into a zeroed acc and the pass that stores it
  ;; are fused: dst[p] = f32(0 + scale * s), or f32((0 + scale * s) / divisors[p]) with $divisors
  ;; other than -1 (the same operations as acc.fill(0), acc += scale * s, then the store).
  ;; Returns $sum, plus (with $withSum, in the fused store only) every value stored, as float64, in
  ;; storage order: BatchNorm's in-order sum of the plane, one addition per value as kernels.ts
  ;; batchnorm does it, riding along the store instead of a pass of its own.
  (func $window3x3 (param $src i32) (param $h i32) (param $w i32) (param $scale f64) (param $acc i32) (param $rows i32)
        (param $dst i32) (param $divisors i32) (param $sum f64) (param $withSum i32) (result f64)
    (local $stored v128) (local $f f32)
    (local $y i32) (local $x i32) (local $in i32) (local $r i32) (local $wb i32) (local $up i32) (local $down i32)
    (local $s v128) (local $t f64) (local $sc v128) (local $last i32) (local $p i32)
    ;; moving pointers of the pair loops (addresses by offset immediates, no index arithmetic)
    (local $pi i32) (local $po i32) (local $pr i32) (local $pa i32) (local $pd i32) (local $pdiv i32) (local $rowBytes i32)
    (local.set $sc (f64x2.splat (local.get $scale)))
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    ;; horizontal 3-sums of every row
    (local.set $y (i32.const 0))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $h)))
      (local.set $in (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $wb))))
      (local.set $r (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 3))))
      (if (i32.eq (local.get $w) (i32.const 1))
        (then (f64.store (local.get $r) (f64.promote_f32 (f32.load (local.get $in)))))
        (else
          (f64.store (local.get $r) (f64.add (f64.promote_f32 (f32.load (local.get $in))) (f64.promote_f32 (f32.load offset=4 (local.get $in)))))
          ;; x = 1 .. w-2, two at a time while x + 1 <= w - 2
          (local.set $last (i32.sub (local.get $w) (i32.const 1)))
          (local.set $x (i32.const 1))
          (local.set $pi (local.get $in))
          (local.set $po (i32.add (local.get $r) (i32.const 8)))
          (block $pairsDone (loop $pairs
            (br_if $pairsDone (i32.gt_s (i32.add (local.get $x) (i32.const 2)) (local.get $last)))
            ;; rows[x, x+1] = (src[x-1, x] + src[x, x+1]) + src[x+1, x+2], $pi at src[x-1]
            (v128.store align=8 (local.get $po)
              (f64x2.add
                (f64x2.add
                  (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $pi)))
                  (f64x2.promote_low_f32x4 (v128.load64_zero offset=4 align=4 (local.get $pi))))
                (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $pi)))))
            (local.set $pi (i32.add (local.get $pi) (i32.const 8)))
            (local.set $po (i32.add (local.get $po) (i32.const 16)))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $pairs)))
          (block $oneDone (loop $one
            (br_if $oneDone (i32.ge_s (local.get $x) (local.get $last)))
            (f64.store (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 3)))
              (f64.add
                (f64.add
                  (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (i32.sub (local.get $x) (i32.const 1)) (i32.const 2)))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (local.get $x) (i32.const 2))))))
                (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 2)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $one)))
          (f64.store (i32.add (local.get $r) (i32.shl (local.get $last) (i32.const 3)))
            (f64.add
              (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (i32.sub (local.get $last) (i32.const 1)) (i32.const 2)))))
              (f64.promote_f32 (f32.load (i32.add (local.get $in) (i32.shl (local.get $last) (i32.const 2)))))))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $row)))
    ;; vertical: s = (mid + up) + down, acc += scale * s
    (local.set $y (i32.const 0))
    (block $colsDone (loop $col
      (br_if $colsDone (i32.ge_u (local.get $y) (local.get $h)))
      (local.set $r (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 3)))
      (local.set $up (i32.gt_u (local.get $y) (i32.const 0)))
      (local.set $down (i32.lt_u (i32.add (local.get $y) (i32.const 1)) (local.get $h)))
      (local.set $x (i32.const 0))
      (local.set $rowBytes (i32.shl (local.get $w) (i32.const 3)))
      (local.set $pr (i32.add (local.get $rows) (local.get $r)))
      (local.set $pa (i32.add (local.get $acc) (local.get $r)))
      (local.set $pd (i32.add (local.get $dst) (i32.shr_u (local.get $r) (i32.const 1))))
      (local.set $pdiv (i32.add (local.get $divisors) (local.get $r)))
      (block $pairsDone (loop $pairs
        (br_if $pairsDone (i32.gt_s (i32.add (local.get $x) (i32.const 2)) (local.get $w)))
        (local.set $s (v128.load align=8 (local.get $pr)))
        (if (local.get $up) (then (local.set $s (f64x2.add (local.get $s) (v128.load align=8 (i32.sub (local.get $pr) (local.get $rowBytes)))))))
        (if (local.get $down) (then (local.set $s (f64x2.add (local.get $s) (v128.load align=8 (i32.add (local.get $pr) (local.get $rowBytes)))))))
        (if (i32.eq (local.get $dst) (i32.const -1))
          (then
            (v128.store align=8 (local.get $pa) (f64x2.add (v128.load align=8 (local.get $pa)) (f64x2.mul (local.get $sc) (local.get $s)))))
          (else
            (local.set $s (f64x2.add (v128.const f64x2 0 0) (f64x2.mul (local.get $sc) (local.get $s))))
            (if (i32.ne (local.get $divisors) (i32.const -1))
              (then
                ;; an average pool: divided, stored, no sum (the pool's path as before the sums)
                (v128.store64_lane align=4 0 (local.get $pd)
                  (f32x4.demote_f64x2_zero (f64x2.div (local.get $s) (v128.load align=8 (local.get $pdiv))))))
              (else
                (local.set $stored (f32x4.demote_f64x2_zero (local.get $s)))
                (v128.store64_lane align=4 0 (local.get $pd) (local.get $stored))
                (if (local.get $withSum)
                  (then
                    ;; the two stored values in storage order: x, then x + 1
                    (local.set $s (f64x2.promote_low_f32x4 (local.get $stored)))
                    (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $s))))
                    (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $s))))))))))
        (local.set $pr (i32.add (local.get $pr) (i32.const 16)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pd (i32.add (local.get $pd) (i32.const 8)))
        (local.set $pdiv (i32.add (local.get $pdiv) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 2)))
        (br $pairs)))
      (block $oneDone (loop $one
        (br_if $oneDone (i32.ge_s (local.get $x) (local.get $w)))
        (local.set $in (i32.add (local.get $rows) (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 3)))))
        (local.set $t (f64.load (local.get $in)))
        (if (local.get $up) (then (local.set $t (f64.add (local.get $t) (f64.load (i32.sub (local.get $in) (i32.shl (local.get $w) (i32.const 3))))))))
        (if (local.get $down) (then (local.set $t (f64.add (local.get $t) (f64.load (i32.add (local.get $in) (i32.shl (local.get $w) (i32.const 3))))))))
        (if (i32.eq (local.get $dst) (i32.const -1))
          (then
            (local.set $in (i32.add (local.get $acc) (i32.add (local.get $r) (i32.shl (local.get $x) (i32.const 3)))))
            (f64.store (local.get $in) (f64.add (f64.load (local.get $in)) (f64.mul (local.get $scale) (local.get $t)))))
          (else
            (local.set $t (f64.add (f64.const 0) (f64.mul (local.get $scale) (local.get $t))))
            (local.set $p (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $x)))
            (if (i32.ne (local.get $divisors) (i32.const -1))
              (then (local.set $t (f64.div (local.get $t) (f64.load (i32.add (local.get $divisors) (i32.shl (local.get $p) (i32.const 3))))))))
            (local.set $f (f32.demote_f64 (local.get $t)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 2))) (local.get $f))
            (if (local.get $withSum) (then (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (local.get $f))))))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $one)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br $col)))
    (local.get $sum))

  ;; acc[0 .. n) = +0
  (func $clear (param $acc i32) (param $n i32)
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $n) (i32.const 3))))

  ;; acc[p] += scale * src[p * stride] per output row and column: a 1x1 window without padding
  ;; (window.ts accumulateWindowSums, kernel 1: no sum, the product added directly).
  (func $window1x1 (param $src i32) (param $inW i32) (param $outH i32) (param $outW i32) (param $stride i32) (param $scale f64) (param $acc i32)
    (local $oy i32) (local $ox i32) (local $row i32) (local $a i32)
    (if (i32.eq (local.get $stride) (i32.const 1))
      (then
        ;; stride 1: output p reads input p (outW = inW), so the plane is one flat run; f64x2 lanes
        ;; over two adjacent outputs, each the same acc + scale * x as the scalar loop below
        (call $scaleAccumulate (local.get $src) (local.get $acc) (i32.mul (local.get $outH) (local.get $outW)) (local.get $scale))
        (return)))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outH)))
      (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (i32.mul (local.get $oy) (local.get $stride)) (local.get $inW)) (i32.const 2))))
      (local.set $ox (i32.const 0))
      (block $colsDone (loop $col
        (br_if $colsDone (i32.ge_u (local.get $ox) (local.get $outW)))
        (local.set $a (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $outW)) (local.get $ox)) (i32.const 3))))
        (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
          (f64.mul (local.get $scale) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (i32.mul (local.get $ox) (local.get $stride)) (i32.const 2))))))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $col)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $row))))

  ;; acc[p] = acc[p] + scale * f64(src[p]) for p < n: f64x2 lanes across adjacent p (independent outputs).
  (func $scaleAccumulate (param $src i32) (param $acc i32) (param $n i32) (param $scale f64)
    (local $p i32) (local $pairs i32) (local $s v128) (local $a i32)
    (local.set $s (f64x2.splat (local.get $scale)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $pairs)))
      (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
      (v128.store align=8 (local.get $a) (f64x2.add (v128.load align=8 (local.get $a))
        (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 2))))))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $next)))
    (if (i32.lt_u (local.get $p) (local.get $n))
      (then
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
        (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
          (f64.mul (local.get $scale) (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 2)))))))))))

  ;; dst[i] = 0 + scales[0] * x[i, 0] + scales[1] * x[i, 1] + ... + scales[f-1] * x[i, f-1] in float64, in
  ;; that order, for each of the n rows of the row-major [n, f] f32 tensor at $src (recurrent.ts
  ;; multilinear's lin(x)). f64x2 lanes hold two rows (each its own in-order chain), and two lane
  ;; pairs run at once so that four independent chains hide the latency of the additions.
  ;; $scales: f f64; $dst: n f64.
  (func (export "rowSums") (param $src i32) (param $n i32) (param $f i32) (param $scales i32) (param $dst i32)
    (local $i i32) (local $k i32) (local $rowBytes i32) (local $r0 i32) (local $r2 i32) (local $s v128)
    (local $a v128) (local $b v128) (local $t f64) (local $quads i32)
    (local.set $rowBytes (i32.shl (local.get $f) (i32.const 2)))
    (local.set $quads (i32.and (local.get $n) (i32.const -4)))
    (block $quadsDone (loop $quad
      (br_if $quadsDone (i32.ge_u (local.get $i) (local.get $quads)))
      (local.set $r0 (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $r2 (i32.add (local.get $r0) (i32.shl (local.get $rowBytes) (i32.const 1))))
      (local.set $a (v128.const f64x2 0 0))
      (local.set $b (v128.const f64x2 0 0))
      (local.set $k (i32.const 0))
      (block $featuresDone (loop $feature
        (br_if $featuresDone (i32.ge_u (local.get $k) (local.get $rowBytes)))
        (local.set $s (f64x2.splat (f64.load (i32.add (local.get $scales) (i32.shl (local.get $k) (i32.const 1))))))
        (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4
          (v128.load32_lane align=4 1 (i32.add (i32.add (local.get $r0) (local.get $rowBytes)) (local.get $k))
            (v128.load32_zero align=4 (i32.add (local.get $r0) (local.get $k))))))))
        (local.set $b (f64x2.add (local.get $b) (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4
          (v128.load32_lane align=4 1 (i32.add (i32.add (local.get $r2) (local.get $rowBytes)) (local.get $k))
            (v128.load32_zero align=4 (i32.add (local.get $r2) (local.get $k))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $feature)))
      (v128.store align=8 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))) (local.get $a))
      (v128.store align=8 (i32.add (local.get $dst) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $b))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $quad)))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $r0 (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $t (f64.const 0))
      (local.set $k (i32.const 0))
      (block $featuresDone (loop $feature
        (br_if $featuresDone (i32.ge_u (local.get $k) (local.get $rowBytes)))
        (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (i32.add (local.get $scales) (i32.shl (local.get $k) (i32.const 1))))
          (f64.promote_f32 (f32.load (i32.add (local.get $r0) (local.get $k)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $feature)))
      (f64.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))) (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $row))))

  ;; Any square window: per output, s = 0, plus every in-bounds tap row by row, then acc += scale * s
  ;; (window.ts accumulateGeneric, same order). Two adjacent outputs whose windows are both in bounds
  ;; (a strided conv's or pool's interior) run in f64x2 lanes, each lane its own chain in that order;
  ;; the rest one by one.
  (func $windowGeneric (param $src i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32)
        (param $kernel i32) (param $stride i32) (param $pad i32) (param $scale f64) (param $acc i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $y i32) (local $x i32) (local $s f64) (local $a i32)
    (local $p i32) (local $q i32) (local $end i32) (local $sv v128) (local $strideBytes i32)
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $outH)))
      (local.set $ox (i32.const 0))
      (block $colsDone (loop $col
        (br_if $colsDone (i32.ge_s (local.get $ox) (local.get $outW)))
        (local.set $s (f64.const 0))
        (local.set $y (i32.sub (i32.mul (local.get $oy) (local.get $stride)) (local.get $pad)))
        (local.set $x (i32.sub (i32.mul (local.get $ox) (local.get $stride)) (local.get $pad)))
        (if (i32.and
              (i32.and (i32.lt_s (i32.add (local.get $ox) (i32.const 1)) (local.get $outW))
                       (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.le_s (i32.add (local.get $y) (local.get $kernel)) (local.get $inH))))
              (i32.and (i32.ge_s (local.get $x) (i32.const 0))
                       (i32.le_s (i32.add (i32.add (local.get $x) (local.get $stride)) (local.get $kernel)) (local.get $inW))))
          (then
            ;; outputs ox and ox+1: lane 0 reads the taps at x + kx, lane 1 at x + stride + kx
            (local.set $sv (v128.const f64x2 0 0))
            (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $inW)) (local.get $x)) (i32.const 2))))
            (local.set $ky (i32.const 0))
            (block $pairRowsDone (loop $pairRow
              (br_if $pairRowsDone (i32.ge_s (local.get $ky) (local.get $kernel)))
              (local.set $q (local.get $p))
              (local.set $end (i32.add (local.get $p) (i32.shl (local.get $kernel) (i32.const 2))))
              (block $pairTapsDone (loop $pairTap
                (br_if $pairTapsDone (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $sv (f64x2.add (local.get $sv) (f64x2.promote_low_f32x4
                  (v128.load32_lane align=4 1 (i32.add (local.get $q) (local.get $strideBytes)) (v128.load32_zero align=4 (local.get $q))))))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $pairTap)))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $inW) (i32.const 2))))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br $pairRow)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $outW)) (local.get $ox)) (i32.const 3))))
            (v128.store align=8 (local.get $a) (f64x2.add (v128.load align=8 (local.get $a)) (f64x2.mul (f64x2.splat (local.get $scale)) (local.get $sv))))
            (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
            (br $col)))
        ;; $ky counts the rows done: the in-bounds path leaves it at $kernel, so the checked loop below runs only otherwise
        (local.set $ky (i32.const 0))
        (if (i32.and
              (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.le_s (i32.add (local.get $y) (local.get $kernel)) (local.get $inH)))
              (i32.and (i32.ge_s (local.get $x) (i32.const 0)) (i32.le_s (i32.add (local.get $x) (local.get $kernel)) (local.get $inW))))
          (then
            ;; every tap in bounds: the same row-by-row order without the bounds checks
            (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $inW)) (local.get $x)) (i32.const 2))))
            (block $inDone (loop $inRow
              (br_if $inDone (i32.ge_s (local.get $ky) (local.get $kernel)))
              (local.set $q (local.get $p))
              (local.set $end (i32.add (local.get $p) (i32.shl (local.get $kernel) (i32.const 2))))
              (block $tapsDone (loop $tap
                (br_if $tapsDone (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $q)))))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $tap)))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $inW) (i32.const 2))))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br $inRow)))))
        (block $kyDone (loop $kyNext
          (br_if $kyDone (i32.ge_s (local.get $ky) (local.get $kernel)))
          (local.set $y (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $stride)) (local.get $pad)) (local.get $ky)))
          (if (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.lt_s (local.get $y) (local.get $inH)))
            (then
              (local.set $kx (i32.const 0))
              (block $kxDone (loop $kxNext
                (br_if $kxDone (i32.ge_s (local.get $kx) (local.get $kernel)))
                (local.set $x (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $stride)) (local.get $pad)) (local.get $kx)))
                (if (i32.and (i32.ge_s (local.get $x) (i32.const 0)) (i32.lt_s (local.get $x) (local.get $inW)))
                  (then (local.set $s (f64.add (local.get $s)
                    (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $inW)) (local.get $x)) (i32.const 2)))))))))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br $kxNext)))))
          (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
          (br $kyNext)))
        (local.set $a (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $outW)) (local.get $ox)) (i32.const 3))))
        (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.mul (local.get $scale) (local.get $s))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $col)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $row))))

  ;; The separable case of window.ts: a 3x3 window, stride 1, padding 1, output as large as the input.
  (func $isSame3x3 (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32) (param $kernel i32) (param $stride i32) (param $pad i32) (result i32)
    (i32.and (i32.and (i32.eq (local.get $kernel) (i32.const 3)) (i32.eq (local.get $stride) (i32.const 1)))
             (i32.and (i32.eq (local.get $pad) (i32.const 1))
                      (i32.and (i32.eq (local.get $outH) (local.get $inH)) (i32.eq (local.get $outW) (local.get $inW))))))

  ;; window.ts accumulateWindowSums: the separable 3x3 stride-1 same-size case, the 1x1 unpadded
  ;; case, or the generic loop, exactly as it dispatches.
  (func $accumulate (param $src i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32)
        (param $kernel i32) (param $stride i32) (param $pad i32) (param $scale f64) (param $acc i32) (param $rows i32)
    (if (call $isSame3x3 (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $kernel) (local.get $stride) (local.get $pad))
      (then
        (drop (call $window3x3 (local.get $src) (local.get $inH) (local.get $inW) (local.get $scale) (local.get $acc) (local.get $rows) (i32.const -1) (i32.const -1)
          (f64.const 0) (i32.const 0)))
        (return)))
    (if (i32.and (i32.eq (local.get $kernel) (i32.const 1)) (i32.eqz (local.get $pad)))
      (then
        (call $window1x1 (local.get $src) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $stride) (local.get $scale) (local.get $acc))
        (return)))
    (call $windowGeneric (local.get $src) (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW)
      (local.get $kernel) (local.get $stride) (local.get $pad) (local.get $scale) (local.get $acc)))

  ;; Conv of n images of c stored channels (inH x inW) into ONE output channel per image (outH x outW,
  ;; at dst + i * dstStride floats): acc = 0, acc += scales[ch] * window sums for every ch in order,
  ;; then dst = f32(acc) (kernels.ts conv2d). $scales: c f64; $acc: outH*outW f64; $rows: inH*inW f64.
  ;; Returns the float64 sum of every value stored, image by image, in storage order (+0 first): with
  ;; one output channel ($dstStride = outH*outW) that is BatchNorm's in-order sum of the output.
  (func (export "conv") (param $src i32) (param $dst i32) (param $n i32) (param $c i32) (param $inH i32) (param $inW i32)
        (param $outH i32) (param $outW i32) (param $kernel i32) (param $stride i32) (param $pad i32)
        (param $scales i32) (param $dstStride i32) (param $acc i32) (param $rows i32) (result f64)
    (local $i i32) (local $ch i32) (local $inPlane i32) (local $outPlane i32) (local $sum f64)
    (local.set $inPlane (i32.mul (local.get $inH) (local.get $inW)))
    (local.set $outPlane (i32.mul (local.get $outH) (local.get $outW)))
    (if (i32.and (i32.eq (local.get $c) (i32.const 1))
                 (call $isSame3x3 (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $kernel) (local.get $stride) (local.get $pad)))
      (then
        ;; one stored channel: window sums straight to the output (fused store)
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (call $window3x3 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $inPlane)) (i32.const 2)))
            (local.get $inH) (local.get $inW) (f64.load (local.get $scales)) (local.get $acc) (local.get $rows)
            (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $i) (local.get $dstStride)) (i32.const 2))) (i32.const -1)
            (local.get $sum) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
        (return (local.get $sum))))
    (block $imagesDone (loop $image
      (br_if $imagesDone (i32.ge_u (local.get $i) (local.get $n)))
      (call $clear (local.get $acc) (local.get $outPlane))
      (local.set $ch (i32.const 0))
      (block $channelsDone (loop $channel
        (br_if $channelsDone (i32.ge_u (local.get $ch) (local.get $c)))
        (call $accumulate
          (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $i) (local.get $c)) (local.get $ch)) (local.get $inPlane)) (i32.const 2)))
          (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $kernel) (local.get $stride) (local.get $pad)
          (f64.load (i32.add (local.get $scales) (i32.shl (local.get $ch) (i32.const 3))))
          (local.get $acc) (local.get $rows))
        (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
        (br $channel)))
      (local.set $sum (call $storeDivided (local.get $acc) (i32.const -1)
        (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $i) (local.get $dstStride)) (i32.const 2))) (local.get $outPlane)
        (local.get $sum) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $image)))
    (local.get $sum))

  ;; Average pooling of `planes` planes: acc = 0 + 1 * window sums, dst = f32(acc / divisors)
  ;; (kernels.ts avgpool through dividedWindowSums). $divisors: outH*outW f64.
  (func (export "avgpool") (param $src i32) (param $dst i32) (param $planes i32) (param $inH i32) (param $inW i32)
        (param $outH i32) (param $outW i32) (param $kernel i32) (param $stride i32) (param $pad i32)
        (param $divisors i32) (param $acc i32) (param $rows i32)
    (local $k i32) (local $inPlane i32) (local $outPlane i32)
    (local.set $inPlane (i32.mul (local.get $inH) (local.get $inW)))
    (local.set $outPlane (i32.mul (local.get $outH) (local.get $outW)))
    (if (call $isSame3x3 (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $kernel) (local.get $stride) (local.get $pad))
      (then
        ;; window sums straight to the output, divided (fused store)
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $k) (local.get $planes)))
          (drop (call $window3x3 (i32.add (local.get $src) (i32.shl (i32.mul (local.get $k) (local.get $inPlane)) (i32.const 2)))
            (local.get $inH) (local.get $inW) (f64.const 1) (local.get $acc) (local.get $rows)
            (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $k) (local.get $outPlane)) (i32.const 2))) (local.get $divisors)
            (f64.const 0) (i32.const 0)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $next)))
        (return)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $planes)))
      (call $clear (local.get $acc) (local.get $outPlane))
      (call $accumulate (i32.add (local.get $src) (i32.shl (i32.mul (local.get $k) (local.get $inPlane)) (i32.const 2)))
        (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW) (local.get $kernel) (local.get $stride) (local.get $pad)
        (f64.const 1) (local.get $acc) (local.get $rows))
      (drop (call $storeDivided (local.get $acc) (local.get $divisors)
        (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $k) (local.get $outPlane)) (i32.const 2))) (local.get $outPlane)
        (f64.const 0) (i32.const 0)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next))))

  ;; dst[p] = f32(acc[p] / divisors[p]), or f32(acc[p]) when $divisors is -1. Returns $sum plus (with
  ;; $withSum) every value stored, as float64, in storage order (see $window3x3).
  (func $storeDivided (param $acc i32) (param $divisors i32) (param $dst i32) (param $n i32) (param $sum f64) (param $withSum i32) (result f64)
    (local $p i32) (local $v v128) (local $t f64) (local $pairs i32) (local $f f32)
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $pairs)))
      (local.set $v (v128.load align=8 (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3)))))
      (if (i32.ne (local.get $divisors) (i32.const -1))
        (then (local.set $v (f64x2.div (local.get $v) (v128.load align=8 (i32.add (local.get $divisors) (i32.shl (local.get $p) (i32.const 3))))))))
      (local.set $v (f32x4.demote_f64x2_zero (local.get $v)))
      (v128.store64_lane align=4 0 (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 2))) (local.get $v))
      (if (local.get $withSum)
        (then
          (local.set $v (f64x2.promote_low_f32x4 (local.get $v)))
          (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 0 (local.get $v))))
          (local.set $sum (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $v))))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $next)))
    (if (i32.lt_u (local.get $p) (local.get $n))
      (then
        (local.set $t (f64.load (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3)))))
        (if (i32.ne (local.get $divisors) (i32.const -1))
          (then (local.set $t (f64.div (local.get $t) (f64.load (i32.add (local.get $divisors) (i32.shl (local.get $p) (i32.const 3))))))))
        (local.set $f (f32.demote_f64 (local.get $t)))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 2))) (local.get $f))
        (if (local.get $withSum) (then (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (local.get $f))))))))
    (local.get $sum)))
