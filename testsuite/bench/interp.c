/* interp.c - a small interpreter: an assembler for a stack-machine language (labels, locals,
 * calls) and a switch-dispatched virtual machine running recursive Fibonacci, a prime sieve
 * over VM memory and an integer-hash loop. */
// bench-quick: 3
#include "bench.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, AND, XOR, SHL, SHR, LT, EQ, JMP, JZ, JNZ,
          CALL, RET, DUP, DROP, MLOAD, MSTORE, EMIT, HALT, NOPS };
static const char *const names[NOPS] = {"push", "load", "store", "add", "sub", "mul", "div",
  "mod", "and", "xor", "shl", "shr", "lt", "eq", "jmp", "jz", "jnz", "call", "ret", "dup", "drop",
  "mload", "mstore", "emit", "halt"};
static const int has_arg[NOPS] = {[PUSH] = 1, [LOAD] = 1, [STORE] = 1, [JMP] = 1, [JZ] = 1,
                                  [JNZ] = 1, [CALL] = 1};

/* Calling convention: "call f" pops nothing; the callee's frame has 8 locals and reads its
 * arguments from the operand stack with "store"; the result is left on the stack. */
static const char *const program =
  "main:   push 0 store 0\n"                        /* 0: loop counter */
  "mloop:  load 0 push %N% lt jz mdone\n"
  "        load 0 push 7 and push 18 add call fib emit\n"
  "        push 20000 call sieve emit\n"
  "        push 40000 load 0 call mix emit\n"
  "        load 0 push 1 add store 0 jmp mloop\n"
  "mdone:  halt\n"
  "fib:    store 0 load 0 push 2 lt jz frec load 0 ret\n"
  "frec:   load 0 push 1 sub call fib load 0 push 2 sub call fib add ret\n"
  "sieve:  store 0 push 2 store 1\n"                /* clear flags 2..n-1 */
  "sclr:   load 1 load 0 lt jz sgo push 0 load 1 mstore load 1 push 1 add store 1 jmp sclr\n"
  "sgo:    push 0 store 3 push 2 store 1\n"
  "souter: load 1 load 0 lt jz sdone\n"
  "        load 1 mload jnz snext\n"
  "        load 3 push 1 add store 3\n"
  "        load 1 load 1 mul store 2\n"
  "sinner: load 2 load 0 lt jz snext push 1 load 2 mstore load 2 load 1 add store 2 jmp sinner\n"
  "snext:  load 1 push 1 add store 1 jmp souter\n"
  "sdone:  load 3 ret\n"
  "mix:    store 1 store 0 push 0 store 2\n"        /* seed, count */
  "xloop:  load 2 load 0 lt jz xdone\n"
  "        load 1 push 13 shl load 1 xor store 1\n"
  "        load 1 push 17 shr load 1 xor store 1\n"
  "        load 1 push 5 shl load 1 xor store 1\n"
  "        load 2 push 1 add store 2 jmp xloop\n"
  "xdone:  load 1 push 65535 and ret\n";

typedef struct vm { int32_t code[4096]; int ncode; } vm_t;

static int find_op(const char *w) {
  for (int i = 0; i < NOPS; i++) if (strcmp(w, names[i]) == 0) return i;
  return -1;
}

/* Two passes: the first records label addresses, the second emits code with them resolved. */
static int assemble(vm_t *vm, const char *src, const char *n) {
  char labels[64][16];
  int addr[64], nlabels = 0;
  for (int pass = 0; pass < 2; pass++) {
    vm->ncode = 0;
    const char *p = src;
    while (*p) {
      while (*p == ' ' || *p == '\n') p++;
      if (!*p) break;
      char w[32];
      int len = 0;
      while (*p && *p != ' ' && *p != '\n' && len < 31) w[len++] = *p++;
      w[len] = 0;
      if (w[len - 1] == ':') {
        w[len - 1] = 0;
        if (pass == 0) { snprintf(labels[nlabels], 16, "%s", w); addr[nlabels++] = vm->ncode; }
        continue;
      }
      int op = find_op(w);
      if (op < 0) { fprintf(stderr, "unknown op %s\n", w); return -1; }
      vm->code[vm->ncode++] = op;
      if (!has_arg[op]) continue;
      while (*p == ' ') p++;
      len = 0;
      while (*p && *p != ' ' && *p != '\n' && len < 31) w[len++] = *p++;
      w[len] = 0;
      int32_t v = 0;
      if (strcmp(w, "%N%") == 0) w[0] = 0, v = (int32_t)strtol(n, NULL, 10);
      else if ((w[0] >= '0' && w[0] <= '9') || w[0] == '-') v = (int32_t)strtol(w, NULL, 10);
      else if (pass == 1) {
        int i = 0;
        while (i < nlabels && strcmp(labels[i], w) != 0) i++;
        if (i == nlabels) { fprintf(stderr, "unknown label %s\n", w); return -1; }
        v = addr[i];
      }
      vm->code[vm->ncode++] = v;
    }
  }
  return 0;
}

static uint64_t run(const vm_t *vm, int32_t *mem) {
  int32_t stack[256], locals[8 * 65];
  int ret[64];
  int sp = 0, fp = 0, rp = 0, pc = 0;
  uint64_t h = 0;
  const int32_t *code = vm->code;
  for (;;) {
    int32_t a, b;
    switch (code[pc++]) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = locals[fp + code[pc++]]; break;
    case STORE: locals[fp + code[pc++]] = stack[--sp]; break;
#define BIN(OP, EXPR) case OP: b = stack[--sp]; a = stack[sp - 1]; stack[sp - 1] = (EXPR); break;
    BIN(ADD, (int32_t)((uint32_t)a + (uint32_t)b))
    BIN(SUB, (int32_t)((uint32_t)a - (uint32_t)b))
    BIN(MUL, (int32_t)((uint32_t)a * (uint32_t)b))
    BIN(DIV, b ? a / b : 0)
    BIN(MOD, b ? a % b : 0)
    BIN(AND, a & b)
    BIN(XOR, a ^ b)
    BIN(SHL, (int32_t)((uint32_t)a << (b & 31)))
    BIN(SHR, (int32_t)((uint32_t)a >> (b & 31)))
    BIN(LT, a < b)
    BIN(EQ, a == b)
    case JMP: pc = code[pc]; break;
    case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
    case JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
    case CALL:
      if (rp == 64) { fprintf(stderr, "call stack overflow\n"); exit(1); }
      ret[rp++] = pc + 1; fp += 8; pc = code[pc];
      break;
    case RET: pc = ret[--rp]; fp -= 8; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case DROP: sp--; break;
    case MLOAD: a = stack[sp - 1]; stack[sp - 1] = mem[a & 0xffff]; break;
    case MSTORE: a = stack[--sp]; b = stack[--sp]; mem[a & 0xffff] = b; break;
    case EMIT: h = bench_mix(h, (uint32_t)stack[--sp]); break;
    case HALT: return h;
    default: fprintf(stderr, "bad opcode\n"); exit(1);
    }
  }
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 200);
  char nbuf[16];
  snprintf(nbuf, sizeof nbuf, "%u", n);
  vm_t *vm = bench_alloc(sizeof *vm);
  int32_t *mem = bench_alloc(sizeof(int32_t) << 16);
  if (assemble(vm, program, nbuf) != 0) return 1;
  uint64_t h = run(vm, mem);
  printf("%d words of bytecode\n", vm->ncode);
  free(vm); free(mem);
  return bench_done(h);
}
