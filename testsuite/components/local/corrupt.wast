;; corrupt.wast - components with a wrong byte in them: unknown opcodes, sorts and kinds,
;; overlong integers, bad UTF-8, an embedded module that is not valid, and indices past the end
;; of their index space. Offsets are of the whole file, also inside nested components.

;; the preamble
(assert_malformed (component binary "\00asm\0e\00\01\00") "0x4: unknown binary version 0xe")
(assert_malformed (component binary "\00asm\0d\00\02\00") "0x4: unknown binary version")

;; a section id that does not exist
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0f\00") "0x8: malformed section id")
;; value sections are future syntax
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0c\00") "value definitions are not supported")
;; a size field longer than 5 bytes
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\80\80\80\80\80\00") "0x9: type section: integer representation too long")
;; a section with bytes left over
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\03\01\73\73") "0xc: type section: section size mismatch")

;; unknown opcodes in each grammar
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\02\01\60") "0xb: type section: invalid leading byte (0x60) for component defined type")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\04\01\70\c0\7f") "0xc: type section: invalid leading byte (0xc0) for component value type")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\04\01\3f\7e\00") "0xc: type section: invalid leading byte (0x7e) for resource representation")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\07\04\01\6b\73\00") "type section: section size mismatch")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0a\06\01\00\01a\07\00") "0xe: import section: invalid leading byte (0x7) for component external kind")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0b\07\01\00\01a\00\13\00") "0xf: export section: invalid leading byte (0x13) for component external kind")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\06\05\01\03\04\00\00") "0xc: alias section: invalid leading byte (0x4) for alias")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\08\03\01\2f\00") "0xb: canon section: invalid leading byte (0x2f) for canonical function")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\08\06\01\01\00\00\01\09") "0xf: canon section: invalid leading byte (0x9) for canonical option")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\02\03\01\05\00") "0xb: core instance section: invalid leading byte (0x5) for core instance")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\03\02\01\5f") "core struct and array types need the GC proposal")

;; names: bad UTF-8, an embedded NUL
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0a\07\01\00\02\c3\28\01\00") "0xd: import section: malformed UTF-8 encoding")
(assert_malformed (component binary "\00asm\0d\00\01\00" "\0a\07\01\00\02a\00\01\00") "0xd: import section: name contains a NUL character")

;; an embedded core module that does not validate: the core validator's message, at the
;; offset of the instruction in the file
(assert_invalid
  (component binary
    "\00asm\0d\00\01\00"
    "\01\1a"                                       ;; 0x08 core module section (26 bytes)
    "\00asm\01\00\00\00"                           ;; 0x0a
    "\01\05\01\60\00\01\7f"                        ;; 0x12 type: () -> i32
    "\03\02\01\00"                                 ;; 0x19 func
    "\0a\05\01\03\00\01\0b")                       ;; 0x1d code: nop, end (no i32)
  "core module section: func 0: type mismatch")

;; a component section holding a core module
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\04\08" "\00asm\01\00\00\00")
  "0xe: expected a version header for a component")

;; an error deep inside a nested component, at its file offset
(assert_malformed
  (component binary
    "\00asm\0d\00\01\00"
    "\04\16"                                       ;; 0x08 component section (22 bytes)
    "\00asm\0d\00\01\00"                           ;; 0x0a
    "\04\0c"                                       ;; 0x12 component section (12 bytes)
    "\00asm\0d\00\01\00"                           ;; 0x14
    "\07\02\01\44")                                ;; 0x1c type section: 0x44 at 0x1f
  "0x1f: type section: invalid leading byte (0x44) for component defined type")
(assert_invalid
  (component binary
    "\00asm\0d\00\01\00"
    "\04\0d"                                       ;; 0x08 component section (13 bytes)
    "\00asm\0d\00\01\00"                           ;; 0x0a
    "\07\03\01\70\05")                              ;; 0x12 type section: (list 5) at 0x15
  "0x15: type section: type index out of bounds: 5")

;; indices past the end of their index space, in each kind of definition
(assert_invalid (component binary "\00asm\0d\00\01\00" "\02\04\01\00\00\00") "0xb: core instance section: unknown module")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\05\04\01\00\00\00") "0xb: instance section: unknown component")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\06\05\01\03\02\00\03") "0xb: alias section: type index out of bounds: 3")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\08\05\01\01\00\04\00") "0xb: canon section: func index out of bounds: 4")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\0a\06\01\00\01a\01\00") "0xb: import section: type index out of bounds: 0")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\0b\07\01\00\01a\05\00\00") "0xb: export section: instance index out of bounds: 0")
(assert_invalid (component binary "\00asm\0d\00\01\00" "\09\03\07\00\00") "0xa: start section: func index out of bounds: 7")

;; a core export alias defining a component-level item (found by fuzzing: the message used to
;; read past the end of the sort's name)
(assert_invalid (component binary "\00asm\0d\00\01\00" "\06\06\01\01\01\00\01f") "0xb: alias section: a core export alias cannot define a func")

;; a resource destructor that is not a function of the component
(assert_invalid (component binary "\00asm\0d\00\01\00" "\07\05\01\3f\7f\01\02") "0xb: type section: function index out of bounds: 2")

;; nesting deeper than swasm supports (64) is an implementation limit, not a crash: 70
;; instance types, each declaring the next
(assert_invalid
  (component binary
    "\00asm\0d\00\01\00"
    "\07\d5\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01\42\01\01"
    "\42\00"
  )
  "types nested deeper than 64")
