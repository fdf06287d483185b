;; sockets.wat - a command importing wasi:sockets (tcp, udp, name lookup: what wasi-libc's
;; socket functions bring in) instantiates under swasm, which grants no network: creating
;; sockets and looking up names fail with error-code access-denied (1). Written by hand
;; against the canonical ABI, since clang-19's wasm32-wasi target cannot make sockets.
;; WIT: sockets.wit
;; JCO: no (Node's shim grants the host's network)
;; EXIT: 0
;;> tcp: err 1 code 1
;;> udp: err 1 code 1
;;> lookup: err 1 code 1
(module
  (import "wasi:sockets/instance-network@0.2.12" "instance-network" (func $net (result i32)))
  (import "wasi:sockets/tcp-create-socket@0.2.12" "create-tcp-socket"
    (func $tcp (param i32 i32)))
  (import "wasi:sockets/udp-create-socket@0.2.12" "create-udp-socket"
    (func $udp (param i32 i32)))
  (import "wasi:sockets/ip-name-lookup@0.2.12" "resolve-addresses"
    (func $lookup (param i32 i32 i32 i32)))
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 100) "tcp: err ? code ?\0audp: err ? code ?\0alookup: err ? code ?\0a")
  (data (i32.const 200) "example.com")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get 3)))
    (local.get $p))
  ;; Writes the result<_, error-code> at $res (tag byte, code byte at +4) as two digits at $at.
  (func $digits (param $res i32) (param $at i32)
    (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.load8_u (local.get $res))))
    (i32.store8 (i32.add (local.get $at) (i32.const 7))
      (i32.add (i32.const 48) (i32.load8_u (i32.add (local.get $res) (i32.const 4))))))
  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (call $tcp (i32.const 0) (i32.const 16))
    (call $digits (i32.const 16) (i32.const 109))
    (call $udp (i32.const 1) (i32.const 24))
    (call $digits (i32.const 24) (i32.const 127))
    (call $lookup (call $net) (i32.const 200) (i32.const 11) (i32.const 32))
    (call $digits (i32.const 32) (i32.const 148))
    (call $write (call $stdout) (i32.const 100) (i32.const 57) (i32.const 48))
    (i32.const 0))
)
