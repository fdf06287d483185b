;; truncated.wast - components cut short in every kind of place: the preamble, section
;; headers, section contents, embedded core modules and nested components. Each must be
;; rejected with one message naming the section and the file offset of the problem.

;; The valid component the truncations below start from (80 bytes): a core module exporting
;; "f", an instance of it, an alias of f, a func type, a lifted f, and an export "g".
(component binary
  "\00asm\0d\00\01\00"                              ;; 0x00 preamble
  "\01\1f"                                          ;; 0x08 core module section (31 bytes)
  "\00asm\01\00\00\00"                              ;; 0x0a   core preamble
  "\01\04\01\60\00\00"                              ;;        type section: (func)
  "\03\02\01\00"                                    ;;        function section
  "\07\05\01\01f\00\00"                             ;;        export "f" func 0
  "\0a\04\01\02\00\0b"                              ;;        code section
  "\02\04\01\00\00\00"                              ;; 0x29 core instance section
  "\06\07\01\00\00\01\00\01f"                       ;; 0x2f alias section: core func f
  "\07\05\01\40\00\01\00"                           ;; 0x38 type section: (func)
  "\08\06\01\00\00\00\00\00"                        ;; 0x3f canon section: lift
  "\0b\07\01\00\01g\01\00\00"                       ;; 0x47 export section: "g"
)

;; the preamble
(assert_malformed (component binary "\00asm\0d\00\01") "unexpected end")
(assert_malformed (component binary "\00asm\0d\00\01\00\01") "0x9: core module section: unexpected end-of-file")

;; a section whose size runs past the end of the file
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\01\1f" "\00asm\01\00\00\00" "\01\04\01\60")
  "0x9: core module section: unexpected end-of-file: section size 31")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\07\80\80")
  "0xb: type section: unexpected end-of-file")

;; contents that end before their section does (a vector count that the bytes left cannot
;; hold is reported at the count)
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\07\03\01\72\01")           ;; record, 1 field, no field
  "0xc: type section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\07\04\01\40\01\01")         ;; func, 1 param, name cut
  "type section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\0a\04\01\00\01a")           ;; import without externdesc
  "0xa: import section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\0b\05\01\00\01g\01")        ;; export, sortidx cut
  "0xa: export section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\06\04\01\00\00\01")         ;; core export alias, name cut
  "alias section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\08\04\01\00\00\00")         ;; lift without opts/type
  "0xe: canon section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\05\03\01\00\00")            ;; instantiate, no arg count
  "0xd: instance section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\02\02\01\00")               ;; core instantiate, cut
  "0xa: core instance section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\03\03\01\60\01")            ;; core functype, cut
  "0xc: core type section: unexpected end-of-file")
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\09\02\00\00")               ;; start without results
  "0xc: start section: unexpected end-of-file")

;; a vector count larger than what is left
(assert_malformed
  (component binary "\00asm\0d\00\01\00" "\0b\06\ff\ff\ff\ff\0f\00")
  "0xa: export section: unexpected end-of-file")

;; an embedded core module cut short: the core decoder's message, at a file offset
(assert_malformed
  (component binary
    "\00asm\0d\00\01\00"
    "\01\0d" "\00asm\01\00\00\00" "\01\04\01\60\00")                   ;; module's type section cut
  "0x13: core module section: module 0: length out of bounds")

;; a nested component cut short: the inner section's name and the file offset
(assert_malformed
  (component binary
    "\00asm\0d\00\01\00"
    "\04\0c" "\00asm\0d\00\01\00" "\07\02\01\72")                      ;; inner record, no count
  "0x16: type section: unexpected end-of-file")
(assert_malformed
  (component binary
    "\00asm\0d\00\01\00"
    "\04\0c" "\00asm\0d\00\01\00" "\07\03\01\73")                      ;; inner section too long
  "0x13: type section: unexpected end-of-file")
(assert_malformed
  (component binary
    "\00asm\0d\00\01\00"
    "\04\05" "\00asm\0d")                                              ;; inner preamble cut
  "unexpected end-of-file in the preamble")
