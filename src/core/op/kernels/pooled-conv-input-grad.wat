;; ∇x of a stride-1, dilation-1 convolution whose output (through element-wise ops) feeds a tiled max-pool,
;; computed from the pool's cotangent in one pass, on float32 arrays in the TF.js wasm backend's memory.
;;
;; Why fused: the pool sends each window's cotangent to one position (its first maximum), so three in four
;; of the convolution's output cotangents are zero; the unfused backward spreads them to full resolution
;; and convolves the zeros too (XNNPACK at 1–7 GMAC/s on these shapes). Here each non-zero pooled value
;; adds its one weighted kernel patch into dx: a quarter of the multiply-adds, fewer when a JumpReLU mask
;; zeroes the value first.
;;
;; Layouts (NHWC): g [rows, ph, pw, c] (row r belongs to image r / k); x, the pool's input, and d, the
;; derivative of the element-wise op between convolution and pool (d = 0: none), [images, h, w, c];
;; wt, the kernel transposed to [c, kh, kw, cin]; dx [rows, ih, iw, cin], overwritten. Output position
;; (y, x) of the convolution reads input (y − top + ky, x − left + kx).
;; The route is the window's first maximum in row-major order (strict >), as tfjs-cpu, PyTorch and
;; plain-forward.ts's firstMaxRoute pick it.
;; The memory import line is rewritten for the threaded (shared-memory) build by
;; scripts/build-wasm-kernel.ts.
(module
  (import "env" "memory" (memory 1))
  ;; dst[0, n) += a · src[0, n): 16 floats per iteration (constant offsets, pointers stepped: the loop
  ;; overhead was a third of the kernel), then 4, then a scalar tail. Each element is dst + a·src, rounded
  ;; as the TypeScript loop rounds it.
  (func $axpy (param $a f32) (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $av v128)
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $d16
      (loop $l16
        (br_if $d16 (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store align=4 (local.get $dst)
          (f32x4.add (v128.load align=4 (local.get $dst)) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $src)))))
        (v128.store offset=16 align=4 (local.get $dst)
          (f32x4.add (v128.load offset=16 align=4 (local.get $dst)) (f32x4.mul (local.get $av) (v128.load offset=16 align=4 (local.get $src)))))
        (v128.store offset=32 align=4 (local.get $dst)
          (f32x4.add (v128.load offset=32 align=4 (local.get $dst)) (f32x4.mul (local.get $av) (v128.load offset=32 align=4 (local.get $src)))))
        (v128.store offset=48 align=4 (local.get $dst)
          (f32x4.add (v128.load offset=48 align=4 (local.get $dst)) (f32x4.mul (local.get $av) (v128.load offset=48 align=4 (local.get $src)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (br $l16)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const 12)) (i32.const 2))))
    (block $d4
      (loop $l4
        (br_if $d4 (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store align=4 (local.get $dst)
          (f32x4.add (v128.load align=4 (local.get $dst)) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $src)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l4)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $d1
      (loop $l1
        (br_if $d1 (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst)
          (f32.add (f32.load (local.get $dst)) (f32.mul (local.get $a) (f32.load (local.get $src)))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $l1))))

  (func $max (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  (func (export "pooledConvInputGrad")
    (param $g i32) (param $x i32) (param $d i32) (param $wt i32) (param $dx i32)
    (param $rows i32) (param $k i32) (param $ph i32) (param $pw i32) (param $c i32)
    (param $h i32) (param $w i32) (param $sh i32) (param $sw i32)
    (param $kh i32) (param $kw i32) (param $cin i32)
    (param $ih i32) (param $iw i32) (param $top i32) (param $left i32)
    (local $i i32) (local $n i32) (local $r i32) (local $py i32) (local $px i32) (local $ch i32)
    (local $a i32) (local $b i32) (local $by i32) (local $bx i32)
    (local $v f32) (local $best f32) (local $val f32)
    (local $gp i32) (local $ximg i32) (local $dxrow i32) (local $rowFloats i32) (local $imgFloats i32)
    (local $iy0 i32) (local $ix0 i32) (local $ky i32) (local $ky1 i32) (local $kx0 i32) (local $len i32)
    ;; Zero dx.
    (local.set $rowFloats (i32.mul (i32.mul (local.get $ih) (local.get $iw)) (local.get $cin)))
    (local.set $n (i32.mul (local.get $rows) (local.get $rowFloats)))
    (block $zdone
      (loop $zero
        (br_if $zdone (i32.ge_u (i32.add (local.get $i) (i32.const 4)) (i32.add (local.get $n) (i32.const 1))))
        (v128.store align=4 (i32.add (local.get $dx) (i32.shl (local.get $i) (i32.const 2))) (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $zero)))
    (block $ztdone
      (loop $ztail
        (br_if $ztdone (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (i32.add (local.get $dx) (i32.shl (local.get $i) (i32.const 2))) (f32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ztail)))
    (local.set $imgFloats (i32.mul (i32.mul (local.get $h) (local.get $w)) (local.get $c)))
    (local.set $gp (local.get $g))
    (local.set $r (i32.const 0))
    (block $rdone
      (loop $row
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $ximg (i32.shl (i32.mul (i32.div_u (local.get $r) (local.get $k)) (local.get $imgFloats)) (i32.const 2)))
        (local.set $dxrow (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $r) (local.get $rowFloats)) (i32.const 2))))
        (local.set $py (i32.const 0))
        (block $pydone
          (loop $ploopy
            (br_if $pydone (i32.ge_u (local.get $py) (local.get $ph)))
            (local.set $px (i32.const 0))
            (block $pxdone
              (loop $ploopx
                (br_if $pxdone (i32.ge_u (local.get $px) (local.get $pw)))
                (local.set $ch (i32.const 0))
                (block $chdone
                  (loop $chan
                    (br_if $chdone (i32.ge_u (local.get $ch) (local.get $c)))
                    (local.set $v (f32.load (local.get $gp)))
                    (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
                    (block $skip
                      (br_if $skip (f32.eq (local.get $v) (f32.const 0)))
                      ;; The window's first maximum: start at its top-left, move only on a strictly larger value.
                      (local.set $by (i32.mul (local.get $py) (local.get $sh)))
                      (local.set $bx (i32.mul (local.get $px) (local.get $sw)))
                      (local.set $best (f32.load (i32.add (local.get $x) (i32.add (local.get $ximg)
                        (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $by) (local.get $w)) (local.get $bx)) (local.get $c)) (local.get $ch)) (i32.const 2))))))
                      (local.set $a (i32.const 0))
                      (block $adone
                        (loop $wa
                          (br_if $adone (i32.ge_u (local.get $a) (local.get $sh)))
                          (local.set $b (i32.const 0))
                          (block $bdone
                            (loop $wb
                              (br_if $bdone (i32.ge_u (local.get $b) (local.get $sw)))
                              (local.set $val (f32.load (i32.add (local.get $x) (i32.add (local.get $ximg)
                                (i32.shl (i32.add (i32.mul (i32.add
                                  (i32.mul (i32.add (i32.mul (local.get $py) (local.get $sh)) (local.get $a)) (local.get $w))
                                  (i32.add (i32.mul (local.get $px) (local.get $sw)) (local.get $b))) (local.get $c)) (local.get $ch)) (i32.const 2))))))
                              (if (f32.gt (local.get $val) (local.get $best))
                                (then
                                  (local.set $best (local.get $val))
                                  (local.set $by (i32.add (i32.mul (local.get $py) (local.get $sh)) (local.get $a)))
                                  (local.set $bx (i32.add (i32.mul (local.get $px) (local.get $sw)) (local.get $b)))))
                              (local.set $b (i32.add (local.get $b) (i32.const 1)))
                              (br $wb)))
                          (local.set $a (i32.add (local.get $a) (i32.const 1)))
                          (br $wa)))
                      (if (local.get $d)
                        (then
                          (local.set $v (f32.mul (local.get $v) (f32.load (i32.add (local.get $d) (i32.add (local.get $ximg)
                            (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $by) (local.get $w)) (local.get $bx)) (local.get $c)) (local.get $ch)) (i32.const 2)))))))
                          (br_if $skip (f32.eq (local.get $v) (f32.const 0)))))
                      ;; Add v · W[·, ·, ·, ch] over the kernel rows and columns that land inside the input.
                      (local.set $iy0 (i32.sub (local.get $by) (local.get $top)))
                      (local.set $ix0 (i32.sub (local.get $bx) (local.get $left)))
                      (local.set $ky (call $max (i32.const 0) (i32.sub (i32.const 0) (local.get $iy0))))
                      (local.set $ky1 (call $min (local.get $kh) (i32.sub (local.get $ih) (local.get $iy0))))
                      (local.set $kx0 (call $max (i32.const 0) (i32.sub (i32.const 0) (local.get $ix0))))
                      (local.set $len (i32.mul (i32.sub (call $min (local.get $kw) (i32.sub (local.get $iw) (local.get $ix0))) (local.get $kx0)) (local.get $cin)))
                      (br_if $skip (i32.le_s (local.get $len) (i32.const 0)))
                      (block $kydone
                        (loop $kyl
                          (br_if $kydone (i32.ge_s (local.get $ky) (local.get $ky1)))
                          (call $axpy (local.get $v)
                            (i32.add (local.get $wt) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $ch) (local.get $kh)) (local.get $ky)) (local.get $kw)) (local.get $kx0)) (local.get $cin)) (i32.const 2)))
                            (i32.add (local.get $dxrow) (i32.shl (i32.mul (i32.add (i32.mul (i32.add (local.get $iy0) (local.get $ky)) (local.get $iw)) (i32.add (local.get $ix0) (local.get $kx0))) (local.get $cin)) (i32.const 2)))
                            (local.get $len))
                          (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                          (br $kyl))))
                    (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
                    (br $chan)))
                (local.set $px (i32.add (local.get $px) (i32.const 1)))
                (br $ploopx)))
            (local.set $py (i32.add (local.get $py) (i32.const 1)))
            (br $ploopy)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))))
