;; JumpReLU and its gradient over float32 arrays in the TF.js wasm backend's own memory, 4 lanes at a
;; time (wasm SIMD); k is κ as float32.
;; jumpRelu, as jumpReluReference: keep v where v > k or v is NaN, else 0. Per lane: v & ~(v <= k).
;; NaN compares false, so its lane is kept.
;; jumpReluGrad, as jumpReluGradReference: dy where x > k, else 0. Per lane: dy & (x > k); NaN x gives 0.
;; The memory import line is rewritten for the threaded (shared-memory) build by
;; scripts/build-wasm-kernel.ts, which compiles this file into jump-relu.wasm-bytes.ts.
(module
  (import "env" "memory" (memory 1))
  (func (export "jumpRelu") (param $src i32) (param $dst i32) (param $n i32) (param $k f32)
    (local $i i32) (local $end4 i32) (local $p i32) (local $kv v128) (local $v v128) (local $w v128) (local $s f32)
    (local.set $kv (f32x4.splat (local.get $k)))
    ;; Main loop: 8 floats (two vectors) per iteration; then 4; then a scalar tail.
    (local.set $end4 (i32.and (local.get $n) (i32.const -8)))
    (block $vdone
      (loop $vec
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $v (v128.load align=4 (i32.add (local.get $src) (local.get $p))))
        (local.set $w (v128.load offset=16 align=4 (i32.add (local.get $src) (local.get $p))))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $p))
          (v128.andnot (local.get $v) (f32x4.le (local.get $v) (local.get $kv))))
        (v128.store offset=16 align=4 (i32.add (local.get $dst) (local.get $p))
          (v128.andnot (local.get $w) (f32x4.le (local.get $w) (local.get $kv))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $vec)))
    (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $n))
      (then
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (local.set $v (v128.load align=4 (i32.add (local.get $src) (local.get $p))))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $p))
          (v128.andnot (local.get $v) (f32x4.le (local.get $v) (local.get $kv))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))))
    (block $sdone
      (loop $tail
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (f32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (select (f32.const 0) (local.get $s) (f32.le (local.get $s) (local.get $k))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
  (func (export "jumpReluGrad") (param $dy i32) (param $x i32) (param $dst i32) (param $n i32) (param $k f32)
    (local $i i32) (local $end4 i32) (local $p i32) (local $kv v128)
    (local.set $kv (f32x4.splat (local.get $k)))
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $vdone
      (loop $vec
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $p))
          (v128.and
            (v128.load align=4 (i32.add (local.get $dy) (local.get $p)))
            (f32x4.gt (v128.load align=4 (i32.add (local.get $x) (local.get $p))) (local.get $kv))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $sdone
      (loop $tail
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.shl (local.get $i) (i32.const 2)))
        (f32.store (i32.add (local.get $dst) (local.get $p))
          (select (f32.load (i32.add (local.get $dy) (local.get $p))) (f32.const 0)
            (f32.gt (f32.load (i32.add (local.get $x) (local.get $p))) (local.get $k))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))))
