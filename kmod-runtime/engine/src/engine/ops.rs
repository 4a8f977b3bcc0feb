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
macro_rules! for_each_internal_op {
    ($m:ident) => {
        $m! {
            0xd0 UNREACHABLE 0,
            0xd1 FUEL 1,           // n: charge n fuel
            0xd2 JUMP 1,           // target
            0xd3 BR 3,             // target height arity
            0xd4 BR_IF 3,          // target height arity
            0xd5 BR_UNLESS 1,      // target (if: jump when condition is zero)
            0xd6 BR_TABLE 2,       // count arity, then (target height) * (count + 1)
            0xd7 RETURN 1,         // arity
            0xd8 CALL 1,           // func
            0xd9 CALL_INDIRECT 2,  // type table
            0xda DROP 0,
            0xdb SELECT 0,
            0xdc LOCAL_GET 1,      // slot
            0xdd LOCAL_SET 1,
            0xde LOCAL_TEE 1,
            0xdf GLOBAL_GET 1,
            0xe0 GLOBAL_SET 1,
            0xe1 CONST32 1,
            0xe2 CONST64 2,        // lo hi
            0xe3 MEMORY_SIZE 0,
            0xe4 MEMORY_GROW 0,
            0xe5 TABLE_GET 1,
            0xe6 TABLE_SET 1,
            0xe7 REF_IS_NULL 0,
            0xe8 MEMORY_INIT 1,    // data
            0xe9 DATA_DROP 1,
            0xea MEMORY_COPY 0,
            0xeb MEMORY_FILL 0,
            0xec TABLE_INIT 2,     // elem table
            0xed ELEM_DROP 1,
            0xee TABLE_COPY 2,     // dst src
            0xef TABLE_GROW 1,
            0xf0 TABLE_SIZE 1,
            0xf1 TABLE_FILL 1,
            0xf3 LOCAL_GET2 2,     // fused: local.get a; local.get b
            0xf4 BR_IF_EQZ 3,      // fused: i32.eqz; br_if
            // fused i32 binops: _SI stack op immediate, _SL stack op local, _LL local op local;
            // BR_IF_I32_<cmp>[_SI]: compare and branch
            0xf5 I32_ADD_SI 1,
            0xf6 I32_SUB_SI 1,
            0xf7 I32_MUL_SI 1,
            0xf8 I32_AND_SI 1,
            0xf9 I32_OR_SI 1,
            0xfa I32_XOR_SI 1,
            0xfb I32_SHL_SI 1,
            0xfc I32_SHR_S_SI 1,
            0xfd I32_SHR_U_SI 1,
            0xfe I32_EQ_SI 1,
            0xff I32_NE_SI 1,
            0x100 I32_LT_S_SI 1,
            0x101 I32_LT_U_SI 1,
            0x102 I32_GT_S_SI 1,
            0x103 I32_GT_U_SI 1,
            0x104 I32_LE_S_SI 1,
            0x105 I32_LE_U_SI 1,
            0x106 I32_GE_S_SI 1,
            0x107 I32_GE_U_SI 1,
            0x108 I32_ADD_SL 1,
            0x109 I32_SUB_SL 1,
            0x10a I32_MUL_SL 1,
            0x10b I32_AND_SL 1,
            0x10c I32_OR_SL 1,
            0x10d I32_XOR_SL 1,
            0x10e I32_SHL_SL 1,
            0x10f I32_SHR_S_SL 1,
            0x110 I32_SHR_U_SL 1,
            0x111 I32_EQ_SL 1,
            0x112 I32_NE_SL 1,
            0x113 I32_LT_S_SL 1,
            0x114 I32_LT_U_SL 1,
            0x115 I32_GT_S_SL 1,
            0x116 I32_GT_U_SL 1,
            0x117 I32_LE_S_SL 1,
            0x118 I32_LE_U_SL 1,
            0x119 I32_GE_S_SL 1,
            0x11a I32_GE_U_SL 1,
            0x11b I32_ADD_LL 2,
            0x11c I32_SUB_LL 2,
            0x11d I32_MUL_LL 2,
            0x11e I32_AND_LL 2,
            0x11f I32_OR_LL 2,
            0x120 I32_XOR_LL 2,
            0x121 I32_SHL_LL 2,
            0x122 I32_SHR_S_LL 2,
            0x123 I32_SHR_U_LL 2,
            0x124 I32_EQ_LL 2,
            0x125 I32_NE_LL 2,
            0x126 I32_LT_S_LL 2,
            0x127 I32_LT_U_LL 2,
            0x128 I32_GT_S_LL 2,
            0x129 I32_GT_U_LL 2,
            0x12a I32_LE_S_LL 2,
            0x12b I32_LE_U_LL 2,
            0x12c I32_GE_S_LL 2,
            0x12d I32_GE_U_LL 2,
            0x12e BR_IF_I32_EQ 3,
            0x12f BR_IF_I32_NE 3,
            0x130 BR_IF_I32_LT_S 3,
            0x131 BR_IF_I32_LT_U 3,
            0x132 BR_IF_I32_GT_S 3,
            0x133 BR_IF_I32_GT_U 3,
            0x134 BR_IF_I32_LE_S 3,
            0x135 BR_IF_I32_LE_U 3,
            0x136 BR_IF_I32_GE_S 3,
            0x137 BR_IF_I32_GE_U 3,
            0x138 BR_IF_I32_EQ_SI 4,
            0x139 BR_IF_I32_NE_SI 4,
            0x13a BR_IF_I32_LT_S_SI 4,
            0x13b BR_IF_I32_LT_U_SI 4,
            0x13c BR_IF_I32_GT_S_SI 4,
            0x13d BR_IF_I32_GT_U_SI 4,
            0x13e BR_IF_I32_LE_S_SI 4,
            0x13f BR_IF_I32_LE_U_SI 4,
            0x140 BR_IF_I32_GE_S_SI 4,
            0x141 BR_IF_I32_GE_U_SI 4,
            0x142 LOCAL_SET_GET 2,  // fused: local.set x; local.get y
            0x143 BR_IF_LOCAL 4,    // fused: local.get x; br_if
            0x144 BR_UNLESS_LOCAL 2, // fused: local.get x; if
            0x145 BR_UNLESS_I32_EQ 1,
            0x146 BR_UNLESS_I32_NE 1,
            0x147 BR_UNLESS_I32_LT_S 1,
            0x148 BR_UNLESS_I32_LT_U 1,
            0x149 BR_UNLESS_I32_GT_S 1,
            0x14a BR_UNLESS_I32_GT_U 1,
            0x14b BR_UNLESS_I32_LE_S 1,
            0x14c BR_UNLESS_I32_LE_U 1,
            0x14d BR_UNLESS_I32_GE_S 1,
            0x14e BR_UNLESS_I32_GE_U 1,
            0x14f BR_UNLESS_I32_EQ_SI 2,
            0x150 BR_UNLESS_I32_NE_SI 2,
            0x151 BR_UNLESS_I32_LT_S_SI 2,
            0x152 BR_UNLESS_I32_LT_U_SI 2,
            0x153 BR_UNLESS_I32_GT_S_SI 2,
            0x154 BR_UNLESS_I32_GT_U_SI 2,
            0x155 BR_UNLESS_I32_LE_S_SI 2,
            0x156 BR_UNLESS_I32_LE_U_SI 2,
            0x157 BR_UNLESS_I32_GE_S_SI 2,
            0x158 BR_UNLESS_I32_GE_U_SI 2,
        }
    };
}

macro_rules! define_internal {
    ($($code:literal $name:ident $imm:literal,)*) => {
        $(
            #[doc = concat!("Internal op `", stringify!($name), "`.")]
            pub const $name: u32 = $code;
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

/// i32 binops with fused forms: (op, stack-imm form, stack-local form, local-local form).
pub const I32_FUSABLE: &[(u32, u32, u32, u32)] = &[
    (I32_ADD, I32_ADD_SI, I32_ADD_SL, I32_ADD_LL),
    (I32_SUB, I32_SUB_SI, I32_SUB_SL, I32_SUB_LL),
    (I32_MUL, I32_MUL_SI, I32_MUL_SL, I32_MUL_LL),
    (I32_AND, I32_AND_SI, I32_AND_SL, I32_AND_LL),
    (I32_OR, I32_OR_SI, I32_OR_SL, I32_OR_LL),
    (I32_XOR, I32_XOR_SI, I32_XOR_SL, I32_XOR_LL),
    (I32_SHL, I32_SHL_SI, I32_SHL_SL, I32_SHL_LL),
    (I32_SHR_S, I32_SHR_S_SI, I32_SHR_S_SL, I32_SHR_S_LL),
    (I32_SHR_U, I32_SHR_U_SI, I32_SHR_U_SL, I32_SHR_U_LL),
    (I32_EQ, I32_EQ_SI, I32_EQ_SL, I32_EQ_LL),
    (I32_NE, I32_NE_SI, I32_NE_SL, I32_NE_LL),
    (I32_LT_S, I32_LT_S_SI, I32_LT_S_SL, I32_LT_S_LL),
    (I32_LT_U, I32_LT_U_SI, I32_LT_U_SL, I32_LT_U_LL),
    (I32_GT_S, I32_GT_S_SI, I32_GT_S_SL, I32_GT_S_LL),
    (I32_GT_U, I32_GT_U_SI, I32_GT_U_SL, I32_GT_U_LL),
    (I32_LE_S, I32_LE_S_SI, I32_LE_S_SL, I32_LE_S_LL),
    (I32_LE_U, I32_LE_U_SI, I32_LE_U_SL, I32_LE_U_LL),
    (I32_GE_S, I32_GE_S_SI, I32_GE_S_SL, I32_GE_S_LL),
    (I32_GE_U, I32_GE_U_SI, I32_GE_U_SL, I32_GE_U_LL),
];

/// i32 compares with fused compare-and-branch forms: (op, br_if form, imm op, br_if imm form).
pub const I32_BR_FUSABLE: &[(u32, u32, u32, u32)] = &[
    (I32_EQ, BR_IF_I32_EQ, I32_EQ_SI, BR_IF_I32_EQ_SI),
    (I32_NE, BR_IF_I32_NE, I32_NE_SI, BR_IF_I32_NE_SI),
    (I32_LT_S, BR_IF_I32_LT_S, I32_LT_S_SI, BR_IF_I32_LT_S_SI),
    (I32_LT_U, BR_IF_I32_LT_U, I32_LT_U_SI, BR_IF_I32_LT_U_SI),
    (I32_GT_S, BR_IF_I32_GT_S, I32_GT_S_SI, BR_IF_I32_GT_S_SI),
    (I32_GT_U, BR_IF_I32_GT_U, I32_GT_U_SI, BR_IF_I32_GT_U_SI),
    (I32_LE_S, BR_IF_I32_LE_S, I32_LE_S_SI, BR_IF_I32_LE_S_SI),
    (I32_LE_U, BR_IF_I32_LE_U, I32_LE_U_SI, BR_IF_I32_LE_U_SI),
    (I32_GE_S, BR_IF_I32_GE_S, I32_GE_S_SI, BR_IF_I32_GE_S_SI),
    (I32_GE_U, BR_IF_I32_GE_U, I32_GE_U_SI, BR_IF_I32_GE_U_SI),
];

/// i32 compares with fused `if` forms: (op, br_unless form, imm op, br_unless imm form).
pub const I32_IF_FUSABLE: &[(u32, u32, u32, u32)] = &[
    (I32_EQ, BR_UNLESS_I32_EQ, I32_EQ_SI, BR_UNLESS_I32_EQ_SI),
    (I32_NE, BR_UNLESS_I32_NE, I32_NE_SI, BR_UNLESS_I32_NE_SI),
    (
        I32_LT_S,
        BR_UNLESS_I32_LT_S,
        I32_LT_S_SI,
        BR_UNLESS_I32_LT_S_SI,
    ),
    (
        I32_LT_U,
        BR_UNLESS_I32_LT_U,
        I32_LT_U_SI,
        BR_UNLESS_I32_LT_U_SI,
    ),
    (
        I32_GT_S,
        BR_UNLESS_I32_GT_S,
        I32_GT_S_SI,
        BR_UNLESS_I32_GT_S_SI,
    ),
    (
        I32_GT_U,
        BR_UNLESS_I32_GT_U,
        I32_GT_U_SI,
        BR_UNLESS_I32_GT_U_SI,
    ),
    (
        I32_LE_S,
        BR_UNLESS_I32_LE_S,
        I32_LE_S_SI,
        BR_UNLESS_I32_LE_S_SI,
    ),
    (
        I32_LE_U,
        BR_UNLESS_I32_LE_U,
        I32_LE_U_SI,
        BR_UNLESS_I32_LE_U_SI,
    ),
    (
        I32_GE_S,
        BR_UNLESS_I32_GE_S,
        I32_GE_S_SI,
        BR_UNLESS_I32_GE_S_SI,
    ),
    (
        I32_GE_U,
        BR_UNLESS_I32_GE_U,
        I32_GE_U_SI,
        BR_UNLESS_I32_GE_U_SI,
    ),
];
