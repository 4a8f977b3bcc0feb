// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The instruction table: the single source of truth for opcodes, their internal code numbers
//! and their operand/result types. Decoder, validator, compiler and executor derive from it.
//!
//! Internal code is a dense `u32` word stream. Simple (numeric, load/store) instructions keep
//! their Wasm opcode as internal op number (`0xFC 0..=7` become `0xC5..=0xCC`); control and
//! internal instructions are numbered from `0xD0`, so one dense jump table dispatches all.

use super::value::ValType;

/// Invokes `$m!` with every numeric instruction: `opcode NAME [params] result`.
macro_rules! for_each_numeric_op {
    ($m:ident) => {
        $m! {
            0x45 I32_EQZ [I32] I32,
            0x46 I32_EQ [I32 I32] I32,
            0x47 I32_NE [I32 I32] I32,
            0x48 I32_LT_S [I32 I32] I32,
            0x49 I32_LT_U [I32 I32] I32,
            0x4a I32_GT_S [I32 I32] I32,
            0x4b I32_GT_U [I32 I32] I32,
            0x4c I32_LE_S [I32 I32] I32,
            0x4d I32_LE_U [I32 I32] I32,
            0x4e I32_GE_S [I32 I32] I32,
            0x4f I32_GE_U [I32 I32] I32,
            0x50 I64_EQZ [I64] I32,
            0x51 I64_EQ [I64 I64] I32,
            0x52 I64_NE [I64 I64] I32,
            0x53 I64_LT_S [I64 I64] I32,
            0x54 I64_LT_U [I64 I64] I32,
            0x55 I64_GT_S [I64 I64] I32,
            0x56 I64_GT_U [I64 I64] I32,
            0x57 I64_LE_S [I64 I64] I32,
            0x58 I64_LE_U [I64 I64] I32,
            0x59 I64_GE_S [I64 I64] I32,
            0x5a I64_GE_U [I64 I64] I32,
            0x5b F32_EQ [F32 F32] I32,
            0x5c F32_NE [F32 F32] I32,
            0x5d F32_LT [F32 F32] I32,
            0x5e F32_GT [F32 F32] I32,
            0x5f F32_LE [F32 F32] I32,
            0x60 F32_GE [F32 F32] I32,
            0x61 F64_EQ [F64 F64] I32,
            0x62 F64_NE [F64 F64] I32,
            0x63 F64_LT [F64 F64] I32,
            0x64 F64_GT [F64 F64] I32,
            0x65 F64_LE [F64 F64] I32,
            0x66 F64_GE [F64 F64] I32,
            0x67 I32_CLZ [I32] I32,
            0x68 I32_CTZ [I32] I32,
            0x69 I32_POPCNT [I32] I32,
            0x6a I32_ADD [I32 I32] I32,
            0x6b I32_SUB [I32 I32] I32,
            0x6c I32_MUL [I32 I32] I32,
            0x6d I32_DIV_S [I32 I32] I32,
            0x6e I32_DIV_U [I32 I32] I32,
            0x6f I32_REM_S [I32 I32] I32,
            0x70 I32_REM_U [I32 I32] I32,
            0x71 I32_AND [I32 I32] I32,
            0x72 I32_OR [I32 I32] I32,
            0x73 I32_XOR [I32 I32] I32,
            0x74 I32_SHL [I32 I32] I32,
            0x75 I32_SHR_S [I32 I32] I32,
            0x76 I32_SHR_U [I32 I32] I32,
            0x77 I32_ROTL [I32 I32] I32,
            0x78 I32_ROTR [I32 I32] I32,
            0x79 I64_CLZ [I64] I64,
            0x7a I64_CTZ [I64] I64,
            0x7b I64_POPCNT [I64] I64,
            0x7c I64_ADD [I64 I64] I64,
            0x7d I64_SUB [I64 I64] I64,
            0x7e I64_MUL [I64 I64] I64,
            0x7f I64_DIV_S [I64 I64] I64,
            0x80 I64_DIV_U [I64 I64] I64,
            0x81 I64_REM_S [I64 I64] I64,
            0x82 I64_REM_U [I64 I64] I64,
            0x83 I64_AND [I64 I64] I64,
            0x84 I64_OR [I64 I64] I64,
            0x85 I64_XOR [I64 I64] I64,
            0x86 I64_SHL [I64 I64] I64,
            0x87 I64_SHR_S [I64 I64] I64,
            0x88 I64_SHR_U [I64 I64] I64,
            0x89 I64_ROTL [I64 I64] I64,
            0x8a I64_ROTR [I64 I64] I64,
            0x8b F32_ABS [F32] F32,
            0x8c F32_NEG [F32] F32,
            0x8d F32_CEIL [F32] F32,
            0x8e F32_FLOOR [F32] F32,
            0x8f F32_TRUNC [F32] F32,
            0x90 F32_NEAREST [F32] F32,
            0x91 F32_SQRT [F32] F32,
            0x92 F32_ADD [F32 F32] F32,
            0x93 F32_SUB [F32 F32] F32,
            0x94 F32_MUL [F32 F32] F32,
            0x95 F32_DIV [F32 F32] F32,
            0x96 F32_MIN [F32 F32] F32,
            0x97 F32_MAX [F32 F32] F32,
            0x98 F32_COPYSIGN [F32 F32] F32,
            0x99 F64_ABS [F64] F64,
            0x9a F64_NEG [F64] F64,
            0x9b F64_CEIL [F64] F64,
            0x9c F64_FLOOR [F64] F64,
            0x9d F64_TRUNC [F64] F64,
            0x9e F64_NEAREST [F64] F64,
            0x9f F64_SQRT [F64] F64,
            0xa0 F64_ADD [F64 F64] F64,
            0xa1 F64_SUB [F64 F64] F64,
            0xa2 F64_MUL [F64 F64] F64,
            0xa3 F64_DIV [F64 F64] F64,
            0xa4 F64_MIN [F64 F64] F64,
            0xa5 F64_MAX [F64 F64] F64,
            0xa6 F64_COPYSIGN [F64 F64] F64,
            0xa7 I32_WRAP_I64 [I64] I32,
            0xa8 I32_TRUNC_F32_S [F32] I32,
            0xa9 I32_TRUNC_F32_U [F32] I32,
            0xaa I32_TRUNC_F64_S [F64] I32,
            0xab I32_TRUNC_F64_U [F64] I32,
            0xac I64_EXTEND_I32_S [I32] I64,
            0xad I64_EXTEND_I32_U [I32] I64,
            0xae I64_TRUNC_F32_S [F32] I64,
            0xaf I64_TRUNC_F32_U [F32] I64,
            0xb0 I64_TRUNC_F64_S [F64] I64,
            0xb1 I64_TRUNC_F64_U [F64] I64,
            0xb2 F32_CONVERT_I32_S [I32] F32,
            0xb3 F32_CONVERT_I32_U [I32] F32,
            0xb4 F32_CONVERT_I64_S [I64] F32,
            0xb5 F32_CONVERT_I64_U [I64] F32,
            0xb6 F32_DEMOTE_F64 [F64] F32,
            0xb7 F64_CONVERT_I32_S [I32] F64,
            0xb8 F64_CONVERT_I32_U [I32] F64,
            0xb9 F64_CONVERT_I64_S [I64] F64,
            0xba F64_CONVERT_I64_U [I64] F64,
            0xbb F64_PROMOTE_F32 [F32] F64,
            0xbc I32_REINTERPRET_F32 [F32] I32,
            0xbd I64_REINTERPRET_F64 [F64] I64,
            0xbe F32_REINTERPRET_I32 [I32] F32,
            0xbf F64_REINTERPRET_I64 [I64] F64,
            0xc0 I32_EXTEND8_S [I32] I32,
            0xc1 I32_EXTEND16_S [I32] I32,
            0xc2 I64_EXTEND8_S [I64] I64,
            0xc3 I64_EXTEND16_S [I64] I64,
            0xc4 I64_EXTEND32_S [I64] I64,
            0xc5 I32_TRUNC_SAT_F32_S [F32] I32,
            0xc6 I32_TRUNC_SAT_F32_U [F32] I32,
            0xc7 I32_TRUNC_SAT_F64_S [F64] I32,
            0xc8 I32_TRUNC_SAT_F64_U [F64] I32,
            0xc9 I64_TRUNC_SAT_F32_S [F32] I64,
            0xca I64_TRUNC_SAT_F32_U [F32] I64,
            0xcb I64_TRUNC_SAT_F64_S [F64] I64,
            0xcc I64_TRUNC_SAT_F64_U [F64] I64,
        }
    };
}

/// Invokes `$m!` with every memory access: `opcode NAME load|store type natural_align_log2`.
macro_rules! for_each_memory_op {
    ($m:ident) => {
        $m! {
            0x28 I32_LOAD load I32 2,
            0x29 I64_LOAD load I64 3,
            0x2a F32_LOAD load F32 2,
            0x2b F64_LOAD load F64 3,
            0x2c I32_LOAD8_S load I32 0,
            0x2d I32_LOAD8_U load I32 0,
            0x2e I32_LOAD16_S load I32 1,
            0x2f I32_LOAD16_U load I32 1,
            0x30 I64_LOAD8_S load I64 0,
            0x31 I64_LOAD8_U load I64 0,
            0x32 I64_LOAD16_S load I64 1,
            0x33 I64_LOAD16_U load I64 1,
            0x34 I64_LOAD32_S load I64 2,
            0x35 I64_LOAD32_U load I64 2,
            0x36 I32_STORE store I32 2,
            0x37 I64_STORE store I64 3,
            0x38 F32_STORE store F32 2,
            0x39 F64_STORE store F64 3,
            0x3a I32_STORE8 store I32 0,
            0x3b I32_STORE16 store I32 1,
            0x3c I64_STORE8 store I64 0,
            0x3d I64_STORE16 store I64 1,
            0x3e I64_STORE32 store I64 2,
        }
    };
}

macro_rules! define_numeric {
    ($($code:literal $name:ident [$($p:ident)*] $r:ident,)*) => {
        $(
            #[doc = concat!("Numeric op `", stringify!($name), "`.")]
            pub const $name: u32 = $code;
        )*
        /// Operand and result types of a numeric op (internal number), if it is one.
        pub fn numeric_sig(op: u32) -> Option<(&'static [ValType], ValType)> {
            match op {
                $($code => Some((&[$(ValType::$p),*], ValType::$r)),)*
                _ => None,
            }
        }
    };
}
for_each_numeric_op!(define_numeric);

macro_rules! define_memory {
    ($($code:literal $name:ident $kind:ident $t:ident $align:literal,)*) => {
        $(
            #[doc = concat!("Memory op `", stringify!($name), "`.")]
            pub const $name: u32 = $code;
        )*
        /// (is_store, value type, natural alignment log2) of a memory access op.
        pub fn memory_sig(op: u32) -> Option<(bool, ValType, u32)> {
            match op {
                $($code => Some((stringify!($kind).len() == 5, ValType::$t, $align)),)*
                _ => None,
            }
        }
    };
}
for_each_memory_op!(define_memory);

/// Invokes `$m!` with every control/internal op: `number NAME immediate_words`.
///
/// Operands and results are frame-relative value-stack slots (`fp + slot`). Numeric ops keep
/// their Wasm numbers with the layouts `op dst a b` (binary), `op dst a` (unary), loads
/// `op dst addr offset` and stores `op addr val offset`.
macro_rules! for_each_internal_op {
    ($m:ident) => {
        $m! {
            0xd0 UNREACHABLE 0,
            0xd1 FUEL 1,           // n: charge n fuel
            0xd2 JUMP 1,           // target
            0xd3 BR 4,             // target src dst n: copy n slots src -> dst, jump
            0xd4 BR_NZ 2,          // c target: jump if slot c (i32) != 0
            0xd5 BR_EQZ 2,         // c target: jump if slot c (i32) == 0
            0xd6 BR_NZ_COPY 5,     // c target src dst n
            0xd7 BR_TABLE 4,       // idx count src arity, then (target dst) * (count + 1)
            0xd8 RETURN 2,         // src n: results at src.. move to slot 0.., return
            0xd9 CALL 6,           // func h entry extra maxh np: args at slot h.. become the
                                   // callee's locals; words 3..6 are the callee's record fields
            0xda CALL_INDIRECT 4,  // type table idx h
            0xdb COPY 2,           // dst src
            0xdc CONST32 2,        // dst imm
            0xdd CONST64 3,        // dst lo hi
            0xde SELECT 4,         // dst a b c
            0xdf GLOBAL_GET 2,     // dst global
            0xe0 GLOBAL_SET 2,     // global src
            0xe1 MEMORY_SIZE 1,    // dst
            0xe2 MEMORY_GROW 2,    // dst delta
            0xe3 TABLE_GET 3,      // dst table idx
            0xe4 TABLE_SET 3,      // table idx val
            0xe5 MEMORY_INIT 2,    // data base (operands d s n at base..)
            0xe6 DATA_DROP 1,
            0xe7 MEMORY_COPY 1,    // base (d s n)
            0xe8 MEMORY_FILL 1,    // base (d v n)
            0xe9 TABLE_INIT 3,     // elem table base (d s n)
            0xea ELEM_DROP 1,
            0xeb TABLE_COPY 3,     // dst_table src_table base (d s n)
            0xec TABLE_GROW 2,     // table base (init n; result at base)
            0xed TABLE_SIZE 2,     // dst table
            0xee TABLE_FILL 2,     // table base (i v n)
            // binops with an immediate second operand: dst a imm (i64: imm sign-extended)
            0xf0 I32_ADD_IMM 3,
            0xf1 I32_SUB_IMM 3,
            0xf2 I32_MUL_IMM 3,
            0xf3 I32_AND_IMM 3,
            0xf4 I32_OR_IMM 3,
            0xf5 I32_XOR_IMM 3,
            0xf6 I32_SHL_IMM 3,
            0xf7 I32_SHR_S_IMM 3,
            0xf8 I32_SHR_U_IMM 3,
            0xf9 I32_ROTL_IMM 3,
            0xfa I32_ROTR_IMM 3,
            0xfb I32_EQ_IMM 3,
            0xfc I32_NE_IMM 3,
            0xfd I32_LT_S_IMM 3,
            0xfe I32_LT_U_IMM 3,
            0xff I32_GT_S_IMM 3,
            0x100 I32_GT_U_IMM 3,
            0x101 I32_LE_S_IMM 3,
            0x102 I32_LE_U_IMM 3,
            0x103 I32_GE_S_IMM 3,
            0x104 I32_GE_U_IMM 3,
            0x105 I64_ADD_IMM 3,
            0x106 I64_SUB_IMM 3,
            0x107 I64_MUL_IMM 3,
            0x108 I64_AND_IMM 3,
            0x109 I64_OR_IMM 3,
            0x10a I64_XOR_IMM 3,
            0x10b I64_SHL_IMM 3,
            0x10c I64_SHR_S_IMM 3,
            0x10d I64_SHR_U_IMM 3,
            0x10e I64_ROTL_IMM 3,
            0x10f I64_ROTR_IMM 3,
            0x110 I64_EQ_IMM 3,
            0x111 I64_NE_IMM 3,
            0x112 I64_LT_S_IMM 3,
            0x113 I64_LT_U_IMM 3,
            0x114 I64_GT_S_IMM 3,
            0x115 I64_GT_U_IMM 3,
            0x116 I64_LE_S_IMM 3,
            0x117 I64_LE_U_IMM 3,
            0x118 I64_GE_S_IMM 3,
            0x119 I64_GE_U_IMM 3,
            // i32 compare and branch: a b target / a imm target
            0x11a BR_I32_EQ 3,
            0x11b BR_I32_NE 3,
            0x11c BR_I32_LT_S 3,
            0x11d BR_I32_LT_U 3,
            0x11e BR_I32_GT_S 3,
            0x11f BR_I32_GT_U 3,
            0x120 BR_I32_LE_S 3,
            0x121 BR_I32_LE_U 3,
            0x122 BR_I32_GE_S 3,
            0x123 BR_I32_GE_U 3,
            0x124 BR_I32_EQ_IMM 3,
            0x125 BR_I32_NE_IMM 3,
            0x126 BR_I32_LT_S_IMM 3,
            0x127 BR_I32_LT_U_IMM 3,
            0x128 BR_I32_GT_S_IMM 3,
            0x129 BR_I32_GT_U_IMM 3,
            0x12a BR_I32_LE_S_IMM 3,
            0x12b BR_I32_LE_U_IMM 3,
            0x12c BR_I32_GE_S_IMM 3,
            0x12d BR_I32_GE_U_IMM 3,
            // loads whose address is an i32.add with an immediate: dst a imm offset, address
            // `(a + imm) mod 2^32 + offset` (numbered `LOAD_ADD_IMM + (load op - I32_LOAD)`)
            0x12e I32_LOAD_ADD_IMM 4,
            0x12f I64_LOAD_ADD_IMM 4,
            0x130 F32_LOAD_ADD_IMM 4,
            0x131 F64_LOAD_ADD_IMM 4,
            0x132 I32_LOAD8_S_ADD_IMM 4,
            0x133 I32_LOAD8_U_ADD_IMM 4,
            0x134 I32_LOAD16_S_ADD_IMM 4,
            0x135 I32_LOAD16_U_ADD_IMM 4,
            0x136 I64_LOAD8_S_ADD_IMM 4,
            0x137 I64_LOAD8_U_ADD_IMM 4,
            0x138 I64_LOAD16_S_ADD_IMM 4,
            0x139 I64_LOAD16_U_ADD_IMM 4,
            0x13a I64_LOAD32_S_ADD_IMM 4,
            0x13b I64_LOAD32_U_ADD_IMM 4,
            // i32.add with an immediate, then branch on the sum: dst a imm target (sum != 0) /
            // dst a imm cmp_imm target (sum compared with cmp_imm); the sum is written to dst
            0x13c I32_ADD_IMM_BR_NZ 4,
            0x13d I32_ADD_IMM_BR_EQ_IMM 5,
            0x13e I32_ADD_IMM_BR_NE_IMM 5,
            0x13f I32_ADD_IMM_BR_LT_S_IMM 5,
            0x140 I32_ADD_IMM_BR_LT_U_IMM 5,
            0x141 I32_ADD_IMM_BR_GT_S_IMM 5,
            0x142 I32_ADD_IMM_BR_GT_U_IMM 5,
            0x143 I32_ADD_IMM_BR_LE_S_IMM 5,
            0x144 I32_ADD_IMM_BR_LE_U_IMM 5,
            0x145 I32_ADD_IMM_BR_GE_S_IMM 5,
            0x146 I32_ADD_IMM_BR_GE_U_IMM 5,
            // loads at a scaled index: dst a shift imm offset, address
            // `((a << shift) + imm) mod 2^32 + offset` (numbered `SCALED + (load op - I32_LOAD)`)
            0x147 I32_LOAD_SCALED 5,
            0x148 I64_LOAD_SCALED 5,
            0x149 F32_LOAD_SCALED 5,
            0x14a F64_LOAD_SCALED 5,
            0x14b I32_LOAD8_S_SCALED 5,
            0x14c I32_LOAD8_U_SCALED 5,
            0x14d I32_LOAD16_S_SCALED 5,
            0x14e I32_LOAD16_U_SCALED 5,
            0x14f I64_LOAD8_S_SCALED 5,
            0x150 I64_LOAD8_U_SCALED 5,
            0x151 I64_LOAD16_S_SCALED 5,
            0x152 I64_LOAD16_U_SCALED 5,
            0x153 I64_LOAD32_S_SCALED 5,
            0x154 I64_LOAD32_U_SCALED 5,
            // consecutive COPYs merged, executed in order: dst src dst2 src2 (dst3 src3)
            0x155 COPY2 4,
            0x156 COPY3 6,
            // select on an i32 compare: dst a b x y, `dst = if x cmp y { a } else { b }`
            // (numbered `SELECT_I32_EQ + (compare op - I32_EQ)`)
            0x157 SELECT_I32_EQ 5,
            0x158 SELECT_I32_NE 5,
            0x159 SELECT_I32_LT_S 5,
            0x15a SELECT_I32_LT_U 5,
            0x15b SELECT_I32_GT_S 5,
            0x15c SELECT_I32_GT_U 5,
            0x15d SELECT_I32_LE_S 5,
            0x15e SELECT_I32_LE_U 5,
            0x15f SELECT_I32_GE_S 5,
            0x160 SELECT_I32_GE_U 5,
            // select on a bit test: dst a b x k, `dst = if x & k != 0 { a } else { b }`
            0x161 SELECT_AND_IMM 5,
            // i32.add with an immediate into a local, then an i32.load from it: dst sum a imm
            // offset, `sum = (a + imm) mod 2^32`, then dst = the i32 at `sum + offset`
            0x162 I32_LOAD_TEE_ADD_IMM 5,
            // i32.xor with an operand shifted/rotated by an immediate: dst a b k,
            // `dst = a ^ (b >> k)` / `dst = a ^ rotl(b, k)`
            0x163 I32_XOR_SHR_U_IMM 4,
            0x164 I32_XOR_ROTL_IMM 4,
            // i32.xor / i32.or with an operand loaded by I32_LOAD8_U_ADD_IMM: dst a b imm offset,
            // `dst = a ^ byte` / `dst = a | byte`, byte at `(b + imm) mod 2^32 + offset`
            0x165 I32_XOR_LOAD8_U_ADD_IMM 5,
            0x166 I32_OR_LOAD8_U_ADD_IMM 5,
            // a call of an imported (host) function: dst hid h type n, the arguments at slot
            // h.. are replaced by the results; n = max(params, results) | HOST_REF_RESULTS if
            // a result is a reference (the engine checks those) | HOST_RESULT_TO_DST if the
            // one result is also copied to slot dst
            0x167 CALL_HOST 5,
            // a call of an engine-known host load ([`super::Intrinsic`]), CALL_HOST's words:
            // slot dst gets the value read at the i32 offset in slot h from `Host::host_bytes`,
            // or -1 past its end; a host without bytes gets the CALL_HOST call instead
            0x168 HOST_LOAD_U8 5,
            0x169 HOST_LOAD_BE16 5,
            0x16a HOST_LOAD_BE32 5,
            // consecutive CONST32s merged, executed in order: dst k dst2 k2 (dst3 k3)
            0x16b CONST32X2 4,
            0x16c CONST32X3 6,
            // loads and stores at a constant address: dst addr offset / addr val offset, the
            // address word an immediate instead of a slot (numbered `LOAD_ABS + (load op -
            // I32_LOAD)`, `STORE_ABS + (store op - I32_STORE)`)
            0x16d I32_LOAD_ABS 3,
            0x16e I64_LOAD_ABS 3,
            0x16f F32_LOAD_ABS 3,
            0x170 F64_LOAD_ABS 3,
            0x171 I32_LOAD8_S_ABS 3,
            0x172 I32_LOAD8_U_ABS 3,
            0x173 I32_LOAD16_S_ABS 3,
            0x174 I32_LOAD16_U_ABS 3,
            0x175 I64_LOAD8_S_ABS 3,
            0x176 I64_LOAD8_U_ABS 3,
            0x177 I64_LOAD16_S_ABS 3,
            0x178 I64_LOAD16_U_ABS 3,
            0x179 I64_LOAD32_S_ABS 3,
            0x17a I64_LOAD32_U_ABS 3,
            0x17b I32_STORE_ABS 3,
            0x17c I64_STORE_ABS 3,
            0x17d F32_STORE_ABS 3,
            0x17e F64_STORE_ABS 3,
            0x17f I32_STORE8_ABS 3,
            0x180 I32_STORE16_ABS 3,
            0x181 I64_STORE8_ABS 3,
            0x182 I64_STORE16_ABS 3,
            0x183 I64_STORE32_ABS 3,
            // k: return the one 32-bit constant k (slot 0 gets it), as RETURN
            0x184 RETURN_CONST32 1,
        }
    };
}

/// Every op number is at most `OP_MASK`: the interpreter dispatches on `word & OP_MASK`, so its
/// jump table covers every value it can see and needs no range check.
pub const OP_MASK: u32 = 0x1ff;

/// Flag in CALL_HOST's `n` word: a result is a reference.
pub const HOST_REF_RESULTS: u32 = 1 << 16;
/// Flag in CALL_HOST's `n` word: the one result is also copied to slot `dst`.
pub const HOST_RESULT_TO_DST: u32 = 1 << 17;

/// Invokes `$m!` with every number up to `OP_MASK` that is not an op. With them, the
/// interpreter's `match` names all `OP_MASK + 1` values of `word & OP_MASK`, so LLVM builds one
/// jump table with no range check. Adding an op means taking its number out of this list (the
/// test `op_numbers_partition_the_mask` checks that every value is exactly one of the two).
macro_rules! for_each_unused_op {
    ($m:ident) => {
        $m! {
            0x0 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9 0xa 0xb
            0xc 0xd 0xe 0xf 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17
            0x18 0x19 0x1a 0x1b 0x1c 0x1d 0x1e 0x1f 0x20 0x21 0x22 0x23
            0x24 0x25 0x26 0x27 0x3f 0x40 0x41 0x42 0x43 0x44 0xcd 0xce
            0xcf 0xef 0x185 0x186 0x187 0x188 0x189 0x18a 0x18b 0x18c 0x18d
            0x18e 0x18f 0x190 0x191 0x192 0x193 0x194 0x195 0x196 0x197 0x198 0x199
            0x19a 0x19b 0x19c 0x19d 0x19e 0x19f 0x1a0 0x1a1 0x1a2 0x1a3 0x1a4 0x1a5
            0x1a6 0x1a7 0x1a8 0x1a9 0x1aa 0x1ab 0x1ac 0x1ad 0x1ae 0x1af 0x1b0 0x1b1
            0x1b2 0x1b3 0x1b4 0x1b5 0x1b6 0x1b7 0x1b8 0x1b9 0x1ba 0x1bb 0x1bc 0x1bd
            0x1be 0x1bf 0x1c0 0x1c1 0x1c2 0x1c3 0x1c4 0x1c5 0x1c6 0x1c7 0x1c8 0x1c9
            0x1ca 0x1cb 0x1cc 0x1cd 0x1ce 0x1cf 0x1d0 0x1d1 0x1d2 0x1d3 0x1d4 0x1d5
            0x1d6 0x1d7 0x1d8 0x1d9 0x1da 0x1db 0x1dc 0x1dd 0x1de 0x1df 0x1e0 0x1e1
            0x1e2 0x1e3 0x1e4 0x1e5 0x1e6 0x1e7 0x1e8 0x1e9 0x1ea 0x1eb 0x1ec 0x1ed
            0x1ee 0x1ef 0x1f0 0x1f1 0x1f2 0x1f3 0x1f4 0x1f5 0x1f6 0x1f7 0x1f8 0x1f9
            0x1fa 0x1fb 0x1fc 0x1fd 0x1fe 0x1ff
        }
    };
}

macro_rules! define_unused {
    ($($code:literal)*) => {
        /// The numbers up to `OP_MASK` that are not ops.
        #[allow(dead_code)]
        pub const UNUSED_OPS: &[u32] = &[$($code),*];
        /// A pattern matching exactly the numbers in `UNUSED_OPS`.
        macro_rules! unused_op {
            () => {
                $($code)|*
            };
        }
        pub(crate) use unused_op;
    };
}
for_each_unused_op!(define_unused);

macro_rules! define_internal {
    ($($code:literal $name:ident $imm:literal,)*) => {
        $(
            #[doc = concat!("Internal op `", stringify!($name), "`.")]
            pub const $name: u32 = $code;
            const _: () = assert!($code <= OP_MASK);
        )*
        /// Number of immediate words following an internal op (excluding BR_TABLE's targets).
        #[allow(dead_code)]
        pub fn internal_imms(op: u32) -> Option<usize> {
            match op {
                $($code => Some($imm),)*
                _ => None,
            }
        }
    };
}
for_each_internal_op!(define_internal);

/// The load op `op` (`I32_LOAD..=I64_LOAD32_U`) with its address computed by an `i32.add` with
/// an immediate, if it has that form.
pub fn load_add_imm(op: u32) -> Option<u32> {
    if (I32_LOAD..=I64_LOAD32_U).contains(&op) {
        Some(I32_LOAD_ADD_IMM.wrapping_add(op.wrapping_sub(I32_LOAD)))
    } else {
        None
    }
}
const _: () = assert!(I64_LOAD32_U_ADD_IMM - I32_LOAD_ADD_IMM == I64_LOAD32_U - I32_LOAD);

/// The load op `op` (`I32_LOAD..=I64_LOAD32_U`) or store op (`I32_STORE..=I64_STORE32`) at
/// a constant address, if it is one.
pub fn mem_abs(op: u32) -> Option<u32> {
    if (I32_LOAD..=I64_LOAD32_U).contains(&op) {
        Some(I32_LOAD_ABS.wrapping_add(op.wrapping_sub(I32_LOAD)))
    } else if (I32_STORE..=I64_STORE32).contains(&op) {
        Some(I32_STORE_ABS.wrapping_add(op.wrapping_sub(I32_STORE)))
    } else {
        None
    }
}
const _: () = assert!(I64_LOAD32_U_ABS - I32_LOAD_ABS == I64_LOAD32_U - I32_LOAD);
const _: () = assert!(I64_STORE32_ABS - I32_STORE_ABS == I64_STORE32 - I32_STORE);

/// The load op `op` at a scaled index (`(a << shift) + imm`), if it has that form.
pub fn load_scaled(op: u32) -> Option<u32> {
    load_add_imm(op).map(|f| {
        f.wrapping_sub(I32_LOAD_ADD_IMM)
            .wrapping_add(I32_LOAD_SCALED)
    })
}
const _: () = assert!(I64_LOAD32_U_SCALED - I32_LOAD_SCALED == I64_LOAD32_U - I32_LOAD);

/// The compare-with-immediate branch `op` (`BR_I32_EQ_IMM..=BR_I32_GE_U_IMM`) fused with the
/// i32.add with an immediate that computed its operand, if it has that form.
pub fn add_imm_br(op: u32) -> Option<u32> {
    if (BR_I32_EQ_IMM..=BR_I32_GE_U_IMM).contains(&op) {
        Some(I32_ADD_IMM_BR_EQ_IMM.wrapping_add(op.wrapping_sub(BR_I32_EQ_IMM)))
    } else {
        None
    }
}
const _: () =
    assert!(I32_ADD_IMM_BR_GE_U_IMM - I32_ADD_IMM_BR_EQ_IMM == BR_I32_GE_U_IMM - BR_I32_EQ_IMM);

/// The select fused with the instruction `op` that computed its condition (an i32 compare of
/// two slots, or an i32.and with an immediate), if it has that form.
pub fn select_cond(op: u32) -> Option<u32> {
    if (I32_EQ..=I32_GE_U).contains(&op) {
        Some(SELECT_I32_EQ.wrapping_add(op.wrapping_sub(I32_EQ)))
    } else if op == I32_AND_IMM {
        Some(SELECT_AND_IMM)
    } else {
        None
    }
}
const _: () = assert!(SELECT_I32_GE_U - SELECT_I32_EQ == I32_GE_U - I32_EQ);

/// The commutative i32 binop `op` fused with the instruction `last` (words: `last dst ..`,
/// `len` in all) that computed one of its operands: the fused op's words are
/// `fused dst other ..` (the words of `last` after its dst), if it has that form.
pub fn operand_fused(op: u32, last: u32) -> Option<(u32, usize)> {
    match (op, last) {
        (I32_XOR, I32_SHR_U_IMM) => Some((I32_XOR_SHR_U_IMM, 4)),
        (I32_XOR, I32_ROTL_IMM) => Some((I32_XOR_ROTL_IMM, 4)),
        (I32_XOR, I32_LOAD8_U_ADD_IMM) => Some((I32_XOR_LOAD8_U_ADD_IMM, 5)),
        (I32_OR, I32_LOAD8_U_ADD_IMM) => Some((I32_OR_LOAD8_U_ADD_IMM, 5)),
        _ => None,
    }
}

/// Words of the longest instruction (op word plus immediates, BR_TABLE's targets excluded).
/// The code area ends with this many UNREACHABLE words, so an instruction that starts below
/// `code_len - K_MAX` can be read, and stepped over, with no further check (see the dispatch
/// invariant in `exec/run.rs`).
pub const K_MAX: usize = 8;

/// A binop with an immediate form: (op, imm op, op with swapped operands or 0).
pub const BIN_IMM: &[(u32, u32, u32)] = &[
    (I32_ADD, I32_ADD_IMM, I32_ADD),
    (I32_SUB, I32_SUB_IMM, 0),
    (I32_MUL, I32_MUL_IMM, I32_MUL),
    (I32_AND, I32_AND_IMM, I32_AND),
    (I32_OR, I32_OR_IMM, I32_OR),
    (I32_XOR, I32_XOR_IMM, I32_XOR),
    (I32_SHL, I32_SHL_IMM, 0),
    (I32_SHR_S, I32_SHR_S_IMM, 0),
    (I32_SHR_U, I32_SHR_U_IMM, 0),
    (I32_ROTL, I32_ROTL_IMM, 0),
    (I32_ROTR, I32_ROTR_IMM, 0),
    (I32_EQ, I32_EQ_IMM, I32_EQ),
    (I32_NE, I32_NE_IMM, I32_NE),
    (I32_LT_S, I32_LT_S_IMM, I32_GT_S),
    (I32_LT_U, I32_LT_U_IMM, I32_GT_U),
    (I32_GT_S, I32_GT_S_IMM, I32_LT_S),
    (I32_GT_U, I32_GT_U_IMM, I32_LT_U),
    (I32_LE_S, I32_LE_S_IMM, I32_GE_S),
    (I32_LE_U, I32_LE_U_IMM, I32_GE_U),
    (I32_GE_S, I32_GE_S_IMM, I32_LE_S),
    (I32_GE_U, I32_GE_U_IMM, I32_LE_U),
    (I64_ADD, I64_ADD_IMM, I64_ADD),
    (I64_SUB, I64_SUB_IMM, 0),
    (I64_MUL, I64_MUL_IMM, I64_MUL),
    (I64_AND, I64_AND_IMM, I64_AND),
    (I64_OR, I64_OR_IMM, I64_OR),
    (I64_XOR, I64_XOR_IMM, I64_XOR),
    (I64_SHL, I64_SHL_IMM, 0),
    (I64_SHR_S, I64_SHR_S_IMM, 0),
    (I64_SHR_U, I64_SHR_U_IMM, 0),
    (I64_ROTL, I64_ROTL_IMM, 0),
    (I64_ROTR, I64_ROTR_IMM, 0),
    (I64_EQ, I64_EQ_IMM, I64_EQ),
    (I64_NE, I64_NE_IMM, I64_NE),
    (I64_LT_S, I64_LT_S_IMM, I64_GT_S),
    (I64_LT_U, I64_LT_U_IMM, I64_GT_U),
    (I64_GT_S, I64_GT_S_IMM, I64_LT_S),
    (I64_GT_U, I64_GT_U_IMM, I64_LT_U),
    (I64_LE_S, I64_LE_S_IMM, I64_GE_S),
    (I64_LE_U, I64_LE_U_IMM, I64_GE_U),
    (I64_GE_S, I64_GE_S_IMM, I64_LE_S),
    (I64_GE_U, I64_GE_U_IMM, I64_LE_U),
];

/// i32 compares and their branch forms: (op, imm op, br form, br imm form, negated op).
pub const I32_CMP_BR: &[(u32, u32, u32, u32, u32)] = &[
    (I32_EQ, I32_EQ_IMM, BR_I32_EQ, BR_I32_EQ_IMM, I32_NE),
    (I32_NE, I32_NE_IMM, BR_I32_NE, BR_I32_NE_IMM, I32_EQ),
    (
        I32_LT_S,
        I32_LT_S_IMM,
        BR_I32_LT_S,
        BR_I32_LT_S_IMM,
        I32_GE_S,
    ),
    (
        I32_LT_U,
        I32_LT_U_IMM,
        BR_I32_LT_U,
        BR_I32_LT_U_IMM,
        I32_GE_U,
    ),
    (
        I32_GT_S,
        I32_GT_S_IMM,
        BR_I32_GT_S,
        BR_I32_GT_S_IMM,
        I32_LE_S,
    ),
    (
        I32_GT_U,
        I32_GT_U_IMM,
        BR_I32_GT_U,
        BR_I32_GT_U_IMM,
        I32_LE_U,
    ),
    (
        I32_LE_S,
        I32_LE_S_IMM,
        BR_I32_LE_S,
        BR_I32_LE_S_IMM,
        I32_GT_S,
    ),
    (
        I32_LE_U,
        I32_LE_U_IMM,
        BR_I32_LE_U,
        BR_I32_LE_U_IMM,
        I32_GT_U,
    ),
    (
        I32_GE_S,
        I32_GE_S_IMM,
        BR_I32_GE_S,
        BR_I32_GE_S_IMM,
        I32_LT_S,
    ),
    (
        I32_GE_U,
        I32_GE_U_IMM,
        BR_I32_GE_U,
        BR_I32_GE_U_IMM,
        I32_LT_U,
    ),
];
