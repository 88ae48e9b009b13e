;; A 3×3, stride-1 correlation (any zero padding) of NHWC float32 tensors by Winograd's
;; F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), on arrays in the
;; TF.js wasm backend's memory.
;;
;; Why: XNNPACK's direct convolution already runs near wasm SIMD's multiply-add peak on this CPU (no fused
;; multiply-add in wasm SIMD; PyTorch's oneDNN has AVX-512 FMA), so only fewer multiply-adds can close the
;; gap: F(4×4, 3×3) needs 36 per 16 outputs and channel pair where the direct convolution needs 144.
;;
;; Per output tile of 4×4 pixels, with d its 6×6 input patch, g a 3×3 kernel slice and U = G g Gᵀ transformed
;; once by the caller (winograd-conv3x3.ts):  y = Aᵀ [ Σ_c U[c, k] ⊙ (Bᵀ d[c] B) ] A.
;; The work goes in blocks of `tb` tiles so a block's transformed inputs V and products M stay in cache:
;;   1. V[ξ][t][c] = (Bᵀ d B)[ξ] for the block's tiles, 4 channels per v128;
;;   2. M[ξ][t][k] = Σ_c V[ξ][t][c] · U[ξ][c][k]: 36 products [tb × c] · [c × k], 4 rows × 8 columns per step;
;;   3. y = Aᵀ M A per tile, 4 output channels per v128.
;; Layouts: x [n, h, w, c], u [36, c, k], y [n, oh, ow, k] with oh = h + pt + pb − 2 (pt, pl: the zero rows and
;; columns before the first; those after follow from oh, ow); output tile (ty, tx) reads input rows 4ty − pt …
;; 4ty − pt + 5. Scratch: V [36, tb, c], M [36, tb, k], then 76 v128 of patch space. Tiles past the output's last
;; row or column are computed and not stored. Preconditions (checked by the caller): c a multiple of 4, k of 8,
;; tb of 4.
;; The memory import line is rewritten for the threaded (shared-memory) build by scripts/build-wasm-kernel.ts.
(module
  (import "env" "memory" (memory 1))

  ;; r = Bᵀ d for six v128 read at src + i·ss, written at dst + i·ds (may alias src: all are read first).
  (func $bt6 (param $src i32) (param $ss i32) (param $dst i32) (param $ds i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $d4 v128) (local $d5 v128)
    (local $four v128) (local $five v128) (local $two v128)
    (local.set $d0 (v128.load align=4 (local.get $src)))
    (local.set $d1 (v128.load align=4 (i32.add (local.get $src) (local.get $ss))))
    (local.set $d2 (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 2)))))
    (local.set $d3 (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 3)))))
    (local.set $d4 (v128.load align=4 (i32.add (local.get $src) (i32.shl (local.get $ss) (i32.const 2)))))
    (local.set $d5 (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 5)))))
    (local.set $four (f32x4.splat (f32.const 4)))
    (local.set $five (f32x4.splat (f32.const 5)))
    (local.set $two (f32x4.splat (f32.const 2)))
    ;; r0 = 4 d0 − 5 d2 + d4
    (v128.store align=4 (local.get $dst)
      (f32x4.add (f32x4.sub (f32x4.mul (local.get $four) (local.get $d0)) (f32x4.mul (local.get $five) (local.get $d2))) (local.get $d4)))
    ;; r1 = −4 (d1 + d2) + d3 + d4
    (v128.store align=4 (i32.add (local.get $dst) (local.get $ds))
      (f32x4.sub (f32x4.add (local.get $d3) (local.get $d4)) (f32x4.mul (local.get $four) (f32x4.add (local.get $d1) (local.get $d2)))))
    ;; r2 = 4 (d1 − d2) − d3 + d4
    (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $ds) (i32.const 2)))
      (f32x4.add (f32x4.mul (local.get $four) (f32x4.sub (local.get $d1) (local.get $d2))) (f32x4.sub (local.get $d4) (local.get $d3))))
    ;; r3 = 2 (d3 − d1) + d4 − d2
    (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $ds) (i32.const 3)))
      (f32x4.add (f32x4.mul (local.get $two) (f32x4.sub (local.get $d3) (local.get $d1))) (f32x4.sub (local.get $d4) (local.get $d2))))
    ;; r4 = 2 (d1 − d3) + d4 − d2
    (v128.store align=4 (i32.add (local.get $dst) (i32.shl (local.get $ds) (i32.const 2)))
      (f32x4.add (f32x4.mul (local.get $two) (f32x4.sub (local.get $d1) (local.get $d3))) (f32x4.sub (local.get $d4) (local.get $d2))))
    ;; r5 = 4 d1 − 5 d3 + d5
    (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $ds) (i32.const 5)))
      (f32x4.add (f32x4.sub (f32x4.mul (local.get $four) (local.get $d1)) (f32x4.mul (local.get $five) (local.get $d3))) (local.get $d5))))

  ;; o = Aᵀ m for six v128 read at src + i·ss, four written at dst + i·ds.
  (func $at6 (param $src i32) (param $ss i32) (param $dst i32) (param $ds i32)
    (local $m0 v128) (local $p12 v128) (local $m12 v128) (local $p34 v128) (local $m34 v128) (local $m5 v128)
    (local $a v128) (local $b v128)
    (local.set $m0 (v128.load align=4 (local.get $src)))
    (local.set $a (v128.load align=4 (i32.add (local.get $src) (local.get $ss))))
    (local.set $b (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 2)))))
    (local.set $p12 (f32x4.add (local.get $a) (local.get $b)))
    (local.set $m12 (f32x4.sub (local.get $a) (local.get $b)))
    (local.set $a (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 3)))))
    (local.set $b (v128.load align=4 (i32.add (local.get $src) (i32.shl (local.get $ss) (i32.const 2)))))
    (local.set $p34 (f32x4.add (local.get $a) (local.get $b)))
    (local.set $m34 (f32x4.sub (local.get $a) (local.get $b)))
    (local.set $m5 (v128.load align=4 (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 5)))))
    ;; o0 = m0 + (m1 + m2) + (m3 + m4)
    (v128.store align=4 (local.get $dst)
      (f32x4.add (f32x4.add (local.get $m0) (local.get $p12)) (local.get $p34)))
    ;; o1 = (m1 − m2) + 2 (m3 − m4)
    (v128.store align=4 (i32.add (local.get $dst) (local.get $ds))
      (f32x4.add (local.get $m12) (f32x4.mul (f32x4.splat (f32.const 2)) (local.get $m34))))
    ;; o2 = (m1 + m2) + 4 (m3 + m4)
    (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $ds) (i32.const 2)))
      (f32x4.add (local.get $p12) (f32x4.mul (f32x4.splat (f32.const 4)) (local.get $p34))))
    ;; o3 = (m1 − m2) + 8 (m3 − m4) + m5
    (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $ds) (i32.const 3)))
      (f32x4.add (f32x4.add (local.get $m12) (f32x4.mul (f32x4.splat (f32.const 8)) (local.get $m34))) (local.get $m5))))

  ;; M[t, 0:k] = V[t, 0:c] · U for rows [0, rows) of one ξ (rows a multiple of 4, k of 8). V, U, M: byte offsets.
  ;; V is read by load32_splat (one broadcast load; ~20% faster than f32.load + f32x4.splat on the 32- and
  ;; 64-channel stages here; unrolling the c loop by two was slower).
  (func $gemm (param $v i32) (param $u i32) (param $m i32) (param $rows i32) (param $c i32) (param $k i32)
    (local $r i32) (local $j i32) (local $ci i32)
    (local $cs i32) (local $ks i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pu i32) (local $out i32)
    (local $u0 v128) (local $u1 v128) (local $s v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $cs (i32.shl (local.get $c) (i32.const 2)))
    (local.set $ks (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rdone
      (loop $rows
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $cols
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $k)))
            (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
            (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
            (local.set $p0 (i32.add (local.get $v) (i32.mul (local.get $r) (local.get $cs))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $cs)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $cs)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $cs)))
            (local.set $pu (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $ci (local.get $c))
            (loop $inner
              (local.set $u0 (v128.load align=4 (local.get $pu)))
              (local.set $u1 (v128.load offset=16 align=4 (local.get $pu)))
              (local.set $s (v128.load32_splat (local.get $p0)))
              (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $u0))))
              (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $u1))))
              (local.set $s (v128.load32_splat (local.get $p1)))
              (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $u0))))
              (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $u1))))
              (local.set $s (v128.load32_splat (local.get $p2)))
              (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $u0))))
              (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $u1))))
              (local.set $s (v128.load32_splat (local.get $p3)))
              (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $u0))))
              (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $u1))))
              (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
              (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
              (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
              (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
              (local.set $pu (i32.add (local.get $pu) (local.get $ks)))
              (local.set $ci (i32.sub (local.get $ci) (i32.const 1)))
              (br_if $inner (local.get $ci)))
            (local.set $out (i32.add (local.get $m) (i32.add (i32.mul (local.get $r) (local.get $ks)) (i32.shl (local.get $j) (i32.const 2)))))
            (v128.store align=4 (local.get $out) (local.get $a00))
            (v128.store offset=16 align=4 (local.get $out) (local.get $a01))
            (local.set $out (i32.add (local.get $out) (local.get $ks)))
            (v128.store align=4 (local.get $out) (local.get $a10))
            (v128.store offset=16 align=4 (local.get $out) (local.get $a11))
            (local.set $out (i32.add (local.get $out) (local.get $ks)))
            (v128.store align=4 (local.get $out) (local.get $a20))
            (v128.store offset=16 align=4 (local.get $out) (local.get $a21))
            (local.set $out (i32.add (local.get $out) (local.get $ks)))
            (v128.store align=4 (local.get $out) (local.get $a30))
            (v128.store offset=16 align=4 (local.get $out) (local.get $a31))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows))))

  (func (export "winogradConv3x3")
    (param $x i32) (param $u i32) (param $y i32) (param $scratch i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32) (param $k i32) (param $tb i32)
    (param $oh i32) (param $ow i32) (param $pt i32) (param $pl i32)
    (local $iy0 i32) (local $ix0 i32) (local $o i32) (local $r i32)
    (local $th i32) (local $tw i32) (local $tiles i32) (local $t0 i32) (local $cnt i32) (local $rows i32)
    (local $t i32) (local $tl i32) (local $b i32) (local $ty i32) (local $tx i32) (local $g i32)
    (local $vb i32) (local $mb i32) (local $patch i32) (local $q i32)
    (local $a i32) (local $col i32) (local $iy i32) (local $ix i32) (local $dst i32) (local $xi i32)
    (local $vs i32) (local $ms i32)
    (local.set $th (i32.shr_u (i32.add (local.get $oh) (i32.const 3)) (i32.const 2)))
    (local.set $tw (i32.shr_u (i32.add (local.get $ow) (i32.const 3)) (i32.const 2)))
    (local.set $tiles (i32.mul (local.get $n) (i32.mul (local.get $th) (local.get $tw))))
    (local.set $vb (local.get $scratch))
    (local.set $mb (i32.add (local.get $vb) (i32.shl (i32.mul (i32.const 36) (i32.mul (local.get $tb) (local.get $c))) (i32.const 2))))
    (local.set $patch (i32.add (local.get $mb) (i32.shl (i32.mul (i32.const 36) (i32.mul (local.get $tb) (local.get $k))) (i32.const 2))))
    (local.set $q (i32.add (local.get $patch) (i32.const 576)))
    ;; a 4×4 output tile of one channel group, for tiles cut by the output's edge
    (local.set $o (i32.add (local.get $q) (i32.const 384)))
    ;; byte strides between consecutive ξ in V and in M
    (local.set $vs (i32.shl (i32.mul (local.get $tb) (local.get $c)) (i32.const 2)))
    (local.set $ms (i32.shl (i32.mul (local.get $tb) (local.get $k)) (i32.const 2)))
    (local.set $t0 (i32.const 0))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $t0) (local.get $tiles)))
        (local.set $cnt (i32.sub (local.get $tiles) (local.get $t0)))
        (if (i32.gt_u (local.get $cnt) (local.get $tb)) (then (local.set $cnt (local.get $tb))))
        (local.set $rows (i32.and (i32.add (local.get $cnt) (i32.const 3)) (i32.const -4)))
        ;; Rows past the block's last tile (up to a multiple of 4) enter the products as zeros.
        (if (i32.gt_u (local.get $rows) (local.get $cnt))
          (then
            (local.set $xi (i32.const 0))
            (loop $zx
              (memory.fill
                (i32.add (i32.add (local.get $vb) (i32.mul (local.get $xi) (local.get $vs))) (i32.shl (i32.mul (local.get $cnt) (local.get $c)) (i32.const 2)))
                (i32.const 0)
                (i32.shl (i32.mul (i32.sub (local.get $rows) (local.get $cnt)) (local.get $c)) (i32.const 2)))
              (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
              (br_if $zx (i32.lt_u (local.get $xi) (i32.const 36))))))
        ;; 1. Input transform.
        (local.set $tl (i32.const 0))
        (block $inDone
          (loop $inTiles
            (br_if $inDone (i32.ge_u (local.get $tl) (local.get $cnt)))
            (local.set $t (i32.add (local.get $t0) (local.get $tl)))
            (local.set $b (i32.div_u (local.get $t) (i32.mul (local.get $th) (local.get $tw))))
            (local.set $ty (i32.div_u (i32.rem_u (local.get $t) (i32.mul (local.get $th) (local.get $tw))) (local.get $tw)))
            (local.set $tx (i32.rem_u (local.get $t) (local.get $tw)))
            (local.set $iy0 (i32.sub (i32.shl (local.get $ty) (i32.const 2)) (local.get $pt)))
            (local.set $ix0 (i32.sub (i32.shl (local.get $tx) (i32.const 2)) (local.get $pl)))
            (local.set $g (i32.const 0))
            (block $gDone
              (loop $groups
                (br_if $gDone (i32.ge_u (local.get $g) (local.get $c)))
                ;; Bᵀ d along each column into the patch space (6×6 v128, 96 bytes a row). A tile whose patch lies
                ;; inside x reads x in place; one that reaches past an edge is gathered first, with zeros outside.
                (if (i32.and
                      (i32.and (i32.ge_s (local.get $iy0) (i32.const 0)) (i32.le_s (i32.add (local.get $iy0) (i32.const 6)) (local.get $h)))
                      (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (i32.const 6)) (local.get $w))))
                  (then
                    (local.set $col (i32.const 0))
                    (loop $tcx
                      (call $bt6
                        (i32.add (local.get $x)
                          (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy0)) (local.get $w))
                                                              (i32.add (local.get $ix0) (local.get $col)))
                                                      (local.get $c))
                                             (local.get $g))
                                   (i32.const 2)))
                        (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2))
                        (i32.add (local.get $patch) (i32.shl (local.get $col) (i32.const 4))) (i32.const 96))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br_if $tcx (i32.lt_u (local.get $col) (i32.const 6)))))
                  (else
                    ;; Gather the 6×6 patch (rows iy0 … iy0 + 5, columns ix0 … ix0 + 5), zeros outside.
                    (local.set $a (i32.const 0))
                    (loop $pr
                      (local.set $iy (i32.add (local.get $iy0) (local.get $a)))
                      (local.set $col (i32.const 0))
                      (loop $pc
                        (local.set $ix (i32.add (local.get $ix0) (local.get $col)))
                        (local.set $dst (i32.add (local.get $patch) (i32.shl (i32.add (i32.mul (local.get $a) (i32.const 6)) (local.get $col)) (i32.const 4))))
                        (if (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))
                          (then
                            (v128.store align=4 (local.get $dst)
                              (v128.load align=4 (i32.add (local.get $x)
                                (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $g)) (i32.const 2))))))
                          (else (v128.store align=4 (local.get $dst) (v128.const i32x4 0 0 0 0))))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br_if $pc (i32.lt_u (local.get $col) (i32.const 6))))
                      (local.set $a (i32.add (local.get $a) (i32.const 1)))
                      (br_if $pr (i32.lt_u (local.get $a) (i32.const 6))))
                    ;; Bᵀ d: along each column (stride one patch row, 96 bytes), in place.
                    (local.set $col (i32.const 0))
                    (loop $tc
                      (call $bt6 (i32.add (local.get $patch) (i32.shl (local.get $col) (i32.const 4))) (i32.const 96)
                                 (i32.add (local.get $patch) (i32.shl (local.get $col) (i32.const 4))) (i32.const 96))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br_if $tc (i32.lt_u (local.get $col) (i32.const 6))))))
                ;; (Bᵀ d) B: along each row, into V[ξ = 6a + j][tl][g … g + 3].
                (local.set $a (i32.const 0))
                (loop $tr
                  (call $bt6 (i32.add (local.get $patch) (i32.mul (local.get $a) (i32.const 96))) (i32.const 16)
                             (i32.add (local.get $vb)
                               (i32.add (i32.mul (i32.mul (local.get $a) (i32.const 6)) (local.get $vs))
                                        (i32.shl (i32.add (i32.mul (local.get $tl) (local.get $c)) (local.get $g)) (i32.const 2))))
                             (local.get $vs))
                  (local.set $a (i32.add (local.get $a) (i32.const 1)))
                  (br_if $tr (i32.lt_u (local.get $a) (i32.const 6))))
                (local.set $g (i32.add (local.get $g) (i32.const 4)))
                (br $groups)))
            (local.set $tl (i32.add (local.get $tl) (i32.const 1)))
            (br $inTiles)))
        ;; 2. The 36 products.
        (local.set $xi (i32.const 0))
        (loop $prods
          (call $gemm
            (i32.add (local.get $vb) (i32.mul (local.get $xi) (local.get $vs)))
            (i32.add (local.get $u) (i32.shl (i32.mul (local.get $xi) (i32.mul (local.get $c) (local.get $k))) (i32.const 2)))
            (i32.add (local.get $mb) (i32.mul (local.get $xi) (local.get $ms)))
            (local.get $rows) (local.get $c) (local.get $k))
          (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
          (br_if $prods (i32.lt_u (local.get $xi) (i32.const 36))))
        ;; 3. Output transform.
        (local.set $tl (i32.const 0))
        (block $outDone
          (loop $outTiles
            (br_if $outDone (i32.ge_u (local.get $tl) (local.get $cnt)))
            (local.set $t (i32.add (local.get $t0) (local.get $tl)))
            (local.set $b (i32.div_u (local.get $t) (i32.mul (local.get $th) (local.get $tw))))
            (local.set $ty (i32.div_u (i32.rem_u (local.get $t) (i32.mul (local.get $th) (local.get $tw))) (local.get $tw)))
            (local.set $tx (i32.rem_u (local.get $t) (local.get $tw)))
            (local.set $g (i32.const 0))
            (block $kDone
              (loop $kGroups
                (br_if $kDone (i32.ge_u (local.get $g) (local.get $k)))
                ;; m A along j for each row i of the 6×6: q[i][0 … 3] (64 bytes a row).
                (local.set $a (i32.const 0))
                (loop $oi
                  (call $at6
                    (i32.add (local.get $mb)
                      (i32.add (i32.mul (i32.mul (local.get $a) (i32.const 6)) (local.get $ms))
                               (i32.shl (i32.add (i32.mul (local.get $tl) (local.get $k)) (local.get $g)) (i32.const 2))))
                    (local.get $ms)
                    (i32.add (local.get $q) (i32.shl (local.get $a) (i32.const 6))) (i32.const 16))
                  (local.set $a (i32.add (local.get $a) (i32.const 1)))
                  (br_if $oi (i32.lt_u (local.get $a) (i32.const 6))))
                ;; Aᵀ (m A) along i for each output column: four output rows of y, straight into y for a whole tile,
                ;; through the 4×4 tile space for one cut by the output's last row or column.
                (if (i32.and (i32.le_u (i32.shl (i32.add (local.get $ty) (i32.const 1)) (i32.const 2)) (local.get $oh))
                             (i32.le_u (i32.shl (i32.add (local.get $tx) (i32.const 1)) (i32.const 2)) (local.get $ow)))
                  (then
                    (local.set $col (i32.const 0))
                    (loop $oc
                      (call $at6
                        (i32.add (local.get $q) (i32.shl (local.get $col) (i32.const 4))) (i32.const 64)
                        (i32.add (local.get $y)
                          (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (i32.shl (local.get $ty) (i32.const 2))) (local.get $ow))
                                                      (i32.add (i32.shl (local.get $tx) (i32.const 2)) (local.get $col)))
                                                      (local.get $k))
                                            (local.get $g))
                                   (i32.const 2)))
                        (i32.shl (i32.mul (local.get $ow) (local.get $k)) (i32.const 2)))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br_if $oc (i32.lt_u (local.get $col) (i32.const 4)))))
                  (else
                    (local.set $col (i32.const 0))
                    (loop $ocp
                      (call $at6 (i32.add (local.get $q) (i32.shl (local.get $col) (i32.const 4))) (i32.const 64)
                                 (i32.add (local.get $o) (i32.shl (local.get $col) (i32.const 4))) (i32.const 64))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br_if $ocp (i32.lt_u (local.get $col) (i32.const 4))))
                    (local.set $r (i32.const 0))
                    (loop $cr
                      (local.set $col (i32.const 0))
                      (loop $cc
                        (if (i32.and (i32.lt_u (i32.add (i32.shl (local.get $ty) (i32.const 2)) (local.get $r)) (local.get $oh))
                                     (i32.lt_u (i32.add (i32.shl (local.get $tx) (i32.const 2)) (local.get $col)) (local.get $ow)))
                          (then
                            (v128.store align=4
                              (i32.add (local.get $y)
                                (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (i32.add (i32.shl (local.get $ty) (i32.const 2)) (local.get $r))) (local.get $ow))
                                                            (i32.add (i32.shl (local.get $tx) (i32.const 2)) (local.get $col)))
                                                    (local.get $k))
                                          (local.get $g))
                                         (i32.const 2)))
                              (v128.load align=4 (i32.add (local.get $o) (i32.add (i32.shl (local.get $r) (i32.const 6)) (i32.shl (local.get $col) (i32.const 4))))))))
                        (local.set $col (i32.add (local.get $col) (i32.const 1)))
                        (br_if $cc (i32.lt_u (local.get $col) (i32.const 4))))
                      (local.set $r (i32.add (local.get $r) (i32.const 1)))
                      (br_if $cr (i32.lt_u (local.get $r) (i32.const 4))))))
                (local.set $g (i32.add (local.get $g) (i32.const 4)))
                (br $kGroups)))
            (local.set $tl (i32.add (local.get $tl) (i32.const 1)))
            (br $outTiles)))
        (local.set $t0 (i32.add (local.get $t0) (local.get $tb)))
        (br $blocks))))
)
