//! Hook ABI v1 and v2: host-function semantics on a fake environment, ioctl layouts, map declarations.

use wasmhook_hook_abi::maps::{MapDecl, MapDecls, MapType};
use wasmhook_hook_abi::{dispatch, id, resolve, uapi, HookEnv, Trap, Val, ValType, HOST_FNS};

#[derive(Default)]
struct FakeEnv {
    packet: Vec<u8>,
    map: std::collections::HashMap<Vec<u8>, Vec<u8>>,
    /// Map 2: a queue of 8-byte values.
    queue: std::collections::VecDeque<Vec<u8>>,
    traces: Vec<Vec<u8>>,
    /// Map 3: a ring buffer; the records passed to ringbuf_output.
    events: Vec<(Vec<u8>, u64)>,
}

impl HookEnv for FakeEnv {
    fn packet(&mut self) -> &mut [u8] {
        &mut self.packet
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        match idx {
            0 => Some((4, 8)),
            2 => Some((0, 8)),
            _ => None,
        }
    }
    fn map_lookup(&mut self, _idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        match self.map.get(key) {
            Some(v) => {
                value.copy_from_slice(v);
                0
            }
            None => -2,
        }
    }
    fn map_update(&mut self, _idx: u32, key: &[u8], value: &[u8], _flags: u64) -> i32 {
        self.map.insert(key.to_vec(), value.to_vec());
        0
    }
    fn map_delete(&mut self, _idx: u32, key: &[u8]) -> i32 {
        if self.map.remove(key).is_some() {
            0
        } else {
            -2
        }
    }
    fn ktime_ns(&mut self) -> u64 {
        42
    }
    fn trace(&mut self, msg: &[u8]) {
        self.traces.push(msg.to_vec());
    }
    fn kprobe_arg(&mut self, n: u32) -> u64 {
        u64::from(n) * 10
    }
    fn kprobe_ret(&mut self) -> u64 {
        -2i64 as u64
    }
    fn pid_tgid(&mut self) -> u64 {
        (7 << 32) | 9
    }
    fn uid_gid(&mut self) -> u64 {
        (1001 << 32) | 1000
    }
    fn comm(&mut self) -> [u8; 16] {
        *b"fake-task\0\0\0\0\0\0\0"
    }
    fn cpu_id(&mut self) -> u32 {
        1
    }
    fn prandom_u32(&mut self) -> u32 {
        0xdead_beef
    }
    fn ktime_boot_ns(&mut self) -> u64 {
        43
    }
    /// "Kernel memory" is 8 bytes 1..=8 at 0xffff_0000.
    fn probe_read_kernel(&mut self, dst: &mut [u8], src: u64) -> i32 {
        let kmem = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let off = src.wrapping_sub(0xffff_0000) as usize;
        match kmem.get(off..off.saturating_add(dst.len())) {
            Some(b) if src >= 0xffff_0000 => {
                dst.copy_from_slice(b);
                0
            }
            _ => {
                dst.fill(0);
                -14
            }
        }
    }
    fn map_push(&mut self, idx: u32, value: &[u8], flags: u64) -> i32 {
        if idx != 2 || flags != 0 {
            return -22;
        }
        self.queue.push_back(value.to_vec());
        0
    }
    fn map_pop(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        match self.queue.pop_front() {
            Some(v) if idx == 2 => {
                value.copy_from_slice(&v);
                0
            }
            _ if idx != 2 => -22,
            _ => -2,
        }
    }
    fn ringbuf_output(&mut self, idx: u32, data: &[u8], flags: u64) -> i32 {
        if idx != 3 {
            return -22;
        }
        self.events.push((data.to_vec(), flags));
        0
    }
    fn map_peek(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        match self.queue.front() {
            Some(v) if idx == 2 => {
                value.copy_from_slice(v);
                0
            }
            _ if idx != 2 => -22,
            _ => -2,
        }
    }
}

fn call(env: &mut FakeEnv, mem: &mut [u8], id: u32, args: &[Val]) -> Result<Val, Trap> {
    let mut out = [Val::I32(-99)];
    dispatch(env, id, mem, args, &mut out)?;
    Ok(out[0])
}

#[test]
fn every_host_fn_resolves_with_its_own_type_only() {
    for (i, f) in HOST_FNS.iter().enumerate() {
        assert_eq!(
            resolve("wasmhook", f.name, f.params, f.results),
            Some(i as u32),
            "{}",
            f.name
        );
        assert_eq!(resolve("env", f.name, f.params, f.results), None);
        assert_eq!(resolve("wasmhook", f.name, f.params, &[ValType::F64]), None);
    }
    assert_eq!(resolve("wasmhook", "no_such_fn", &[], &[]), None);
}

#[test]
fn packet_access_is_bounds_checked() {
    let mut env = FakeEnv {
        packet: vec![0x08, 0x00, 0x45, 0x01, 0xff],
        ..Default::default()
    };
    let mut mem = vec![0u8; 64];
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_LEN, &[]).unwrap(),
        Val::I32(5)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U16, &[Val::I32(0)]).unwrap(),
        Val::I32(0x0800)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U8, &[Val::I32(4)]).unwrap(),
        Val::I32(0xff)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U8, &[Val::I32(5)]).unwrap(),
        Val::I32(-1)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U16, &[Val::I32(4)]).unwrap(),
        Val::I32(-1)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U32, &[Val::I32(1)]).unwrap(),
        Val::I64(0x004501ff)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PKT_U8, &[Val::I32(-1)]).unwrap(),
        Val::I32(-1)
    );
    // Copy out and back in.
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::PKT_READ,
            &[Val::I32(1), Val::I32(10), Val::I32(3)]
        )
        .unwrap(),
        Val::I32(3)
    );
    assert_eq!(&mem[10..13], &[0x00, 0x45, 0x01]);
    mem[20] = 0xaa;
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::PKT_WRITE,
            &[Val::I32(4), Val::I32(20), Val::I32(1)]
        )
        .unwrap(),
        Val::I32(1)
    );
    assert_eq!(env.packet[4], 0xaa);
    // Packet range out of bounds: -1; memory range out of bounds: trap.
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::PKT_READ,
            &[Val::I32(3), Val::I32(0), Val::I32(3)]
        )
        .unwrap(),
        Val::I32(-1)
    );
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::PKT_READ,
            &[Val::I32(0), Val::I32(63), Val::I32(2)]
        ),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::PKT_READ,
            &[Val::I32(0), Val::I32(-1), Val::I32(2)]
        ),
        Err(Trap::MemoryOutOfBounds)
    );
}

#[test]
fn maps_round_trip_through_memory() {
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 64];
    mem[0..4].copy_from_slice(&7u32.to_le_bytes());
    mem[8..16].copy_from_slice(&1234u64.to_le_bytes());
    let lookup = |env: &mut FakeEnv, mem: &mut [u8]| {
        call(
            env,
            mem,
            id::MAP_LOOKUP,
            &[Val::I32(0), Val::I32(0), Val::I32(32)],
        )
    };
    assert_eq!(lookup(&mut env, &mut mem).unwrap(), Val::I32(-2));
    let upd = [Val::I32(0), Val::I32(0), Val::I32(8), Val::I64(0)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_UPDATE, &upd).unwrap(),
        Val::I32(0)
    );
    assert_eq!(lookup(&mut env, &mut mem).unwrap(), Val::I32(0));
    assert_eq!(u64::from_le_bytes(mem[32..40].try_into().unwrap()), 1234);
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::MAP_DELETE,
            &[Val::I32(0), Val::I32(0)]
        )
        .unwrap(),
        Val::I32(0)
    );
    assert_eq!(lookup(&mut env, &mut mem).unwrap(), Val::I32(-2));
    // Unknown map: -EINVAL; value range past memory: trap.
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::MAP_LOOKUP,
            &[Val::I32(1), Val::I32(0), Val::I32(0)]
        )
        .unwrap(),
        Val::I32(-22)
    );
    assert_eq!(
        call(
            &mut env,
            &mut mem,
            id::MAP_LOOKUP,
            &[Val::I32(0), Val::I32(0), Val::I32(60)]
        ),
        Err(Trap::MemoryOutOfBounds)
    );
}

#[test]
fn map_lookup_value_may_overlap_or_precede_its_key() {
    let mut env = FakeEnv::default();
    env.map.insert(
        7u32.to_le_bytes().to_vec(),
        0xabcdu64.to_le_bytes().to_vec(),
    );
    let mut mem = vec![0u8; 64];
    // the value (8 bytes at 2) overwrites the key (4 bytes at 4): looked up with the old key
    mem[4..8].copy_from_slice(&7u32.to_le_bytes());
    let args = [Val::I32(0), Val::I32(4), Val::I32(2)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_LOOKUP, &args),
        Ok(Val::I32(0))
    );
    assert_eq!(u64::from_le_bytes(mem[2..10].try_into().unwrap()), 0xabcd);
    // the value before the key, disjoint
    mem[40..44].copy_from_slice(&7u32.to_le_bytes());
    let args = [Val::I32(0), Val::I32(40), Val::I32(16)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_LOOKUP, &args),
        Ok(Val::I32(0))
    );
    assert_eq!(u64::from_le_bytes(mem[16..24].try_into().unwrap()), 0xabcd);
    // a key past the end of memory traps, wherever the value is
    let args = [Val::I32(0), Val::I32(62), Val::I32(0)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_LOOKUP, &args),
        Err(Trap::MemoryOutOfBounds)
    );
}

#[test]
fn map_add_adds_in_place_and_inserts_missing_keys() {
    // FakeEnv keeps the default map_add (a lookup, the sum and an update).
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 64];
    mem[0..4].copy_from_slice(&5u32.to_le_bytes());
    let add = |env: &mut FakeEnv, mem: &mut [u8], key: i32, value: i32, delta: i64| {
        let args = [
            Val::I32(0),
            Val::I32(key),
            Val::I32(value),
            Val::I32(0),
            Val::I64(delta),
        ];
        call(env, mem, id::MAP_ADD, &args)
    };
    // a missing key gets delta; the new value is written to memory
    assert_eq!(add(&mut env, &mut mem, 0, 8, 3), Ok(Val::I32(0)));
    assert_eq!(u64::from_le_bytes(mem[8..16].try_into().unwrap()), 3);
    assert_eq!(env.map[&5u32.to_le_bytes().to_vec()], 3u64.to_le_bytes());
    // then it adds, wrapping
    assert_eq!(add(&mut env, &mut mem, 0, 8, -4), Ok(Val::I32(0)));
    assert_eq!(u64::from_le_bytes(mem[8..16].try_into().unwrap()), u64::MAX);
    assert_eq!(
        env.map[&5u32.to_le_bytes().to_vec()],
        u64::MAX.to_le_bytes()
    );
    // the new value may overwrite the key (read first)
    assert_eq!(add(&mut env, &mut mem, 0, 0, 2), Ok(Val::I32(0)));
    assert_eq!(u64::from_le_bytes(mem[0..8].try_into().unwrap()), 1);
    // a map that is not there, a key or a counter past memory
    let args = [
        Val::I32(1),
        Val::I32(0),
        Val::I32(8),
        Val::I32(0),
        Val::I64(1),
    ];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_ADD, &args),
        Ok(Val::I32(-22))
    );
    // map 0's values are 8 bytes: field 0 only
    for field in [8, 4, -8] {
        let args = [
            Val::I32(0),
            Val::I32(0),
            Val::I32(8),
            Val::I32(field),
            Val::I64(1),
        ];
        assert_eq!(
            call(&mut env, &mut mem, id::MAP_ADD, &args),
            Ok(Val::I32(-22))
        );
    }
    assert_eq!(wasmhook_hook_abi::counter_width(16, 8), Some(8));
    assert_eq!(wasmhook_hook_abi::counter_width(4, 0), Some(4));
    assert_eq!(wasmhook_hook_abi::counter_width(12, 0), None);
    assert_eq!(wasmhook_hook_abi::counter_width(16, 12), None);
    assert_eq!(wasmhook_hook_abi::counter_width(2, 0), None);
    assert_eq!(
        add(&mut env, &mut mem, 62, 8, 1),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(
        add(&mut env, &mut mem, 0, 60, 1),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(HOST_FNS[id::MAP_ADD as usize].name, "map_add");
    assert_eq!(wasmhook_hook_abi::since(id::MAP_ADD), 2);
    assert_eq!(
        wasmhook_hook_abi::fuel_cost(id::MAP_ADD, &[]),
        wasmhook_hook_abi::MAP_OP_FUEL
    );
}

#[test]
fn clock_trace_and_kprobe_args() {
    let mut env = FakeEnv::default();
    let mut mem = b"hello from wasm".to_vec();
    assert_eq!(
        call(&mut env, &mut mem, id::KTIME_NS, &[]).unwrap(),
        Val::I64(42)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::KPROBE_ARG, &[Val::I32(2)]).unwrap(),
        Val::I64(20)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::KPROBE_ARG, &[Val::I32(6)]).unwrap(),
        Val::I64(0)
    );
    let mut none = [];
    dispatch(
        &mut env,
        id::TRACE,
        &mut mem,
        &[Val::I32(0), Val::I32(5)],
        &mut none,
    )
    .unwrap();
    assert_eq!(env.traces, vec![b"hello".to_vec()]);
    // Wrong argument types or an unknown id trap instead of panicking.
    assert!(call(&mut env, &mut mem, id::PKT_U8, &[Val::I64(0)]).is_err());
    assert!(call(&mut env, &mut mem, 99, &[]).is_err());
}

#[test]
fn ioctl_layouts_round_trip_and_have_fixed_sizes() {
    assert_eq!(uapi::LoadReq::SIZE, 160);
    assert_eq!(uapi::SlotInfo::SIZE, 64);
    assert_eq!(uapi::Stats::SIZE, 56);
    assert_eq!(uapi::List::SIZE, 264);
    let mut req = uapi::LoadReq::zeroed();
    req.wasm_ptr = 0x1122_3344_5566_7788;
    req.wasm_len = 99;
    req.fuel = 5;
    req.name = uapi::fixed_str(b"filter");
    req.err = uapi::fixed_str(b"bad");
    assert_eq!(uapi::LoadReq::decode(&req.encode()), req);
    assert_eq!(uapi::fixed_str_get(&req.name), b"filter");
    let s = uapi::Stats {
        slot: 3,
        runs: 10,
        traps: 2,
        out_of_fuel: 1,
        busy: 0,
        total_ns: 77,
        timed_runs: 5,
        pad: 0,
    };
    assert_eq!(uapi::Stats::decode(&s.encode()), s);
    // The command numbers encode the sizes the way _IOWR does.
    assert_eq!(uapi::IOC_LOAD >> 16 & 0x3fff, 160);
    assert_eq!(uapi::IOC_LOAD >> 30, 3);
}

#[test]
fn map_declarations_parse_and_encode() {
    let mut d = MapDecls::new();
    assert!(d.push(MapDecl::new("policy", MapType::Array, 4, 4, 1).unwrap()));
    assert!(d.push(MapDecl::new("counts", MapType::PercpuArray, 4, 8, 256).unwrap()));
    assert!(
        !d.push(MapDecl::new("counts", MapType::Hash, 4, 8, 1).unwrap()),
        "duplicate name"
    );
    let mut buf = [0u8; 128];
    let n = d.encode(&mut buf).unwrap();
    let back = MapDecls::parse(&buf[..n]).unwrap();
    assert_eq!(back, d);
    assert_eq!(back.get(1).unwrap().name(), "counts");
    // Bad inputs are errors with offsets.
    assert_eq!(MapDecls::parse(&[2, 0]).unwrap_err().offset, 0);
    assert!(MapDecls::parse(&[1, 4]).is_err());
    assert!(MapDecls::parse(&buf[..n - 1]).is_err());
    assert!(MapDecl::new("bad name", MapType::Hash, 4, 4, 1).is_none());
    assert!(MapDecl::new("arr", MapType::Array, 8, 4, 1).is_none());
    assert!(MapDecl::new("big", MapType::Hash, 4, 4096, 1).is_none());
}

#[test]
fn v2_context_helpers() {
    let mut env = FakeEnv::default();
    let mut mem = vec![0xffu8; 64];
    assert_eq!(
        call(&mut env, &mut mem, id::KPROBE_RET, &[]).unwrap(),
        Val::I64(-2)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PID_TGID, &[]).unwrap(),
        Val::I64((7 << 32) | 9)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::UID_GID, &[]).unwrap(),
        Val::I64((1001 << 32) | 1000)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::CPU_ID, &[]).unwrap(),
        Val::I32(1)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::PRANDOM_U32, &[]).unwrap(),
        Val::I32(0xdead_beef_u32 as i32)
    );
    assert_eq!(
        call(&mut env, &mut mem, id::KTIME_BOOT_NS, &[]).unwrap(),
        Val::I64(43)
    );
    // comm: the name's length; min(len, 16) bytes NUL-padded, nothing past them.
    let comm = |env: &mut FakeEnv, mem: &mut [u8], ptr: i32, len: i32| {
        call(env, mem, id::COMM, &[Val::I32(ptr), Val::I32(len)])
    };
    assert_eq!(comm(&mut env, &mut mem, 0, 32).unwrap(), Val::I32(9));
    assert_eq!(&mem[..16], b"fake-task\0\0\0\0\0\0\0");
    assert_eq!(mem[16], 0xff);
    mem.fill(0xff);
    assert_eq!(comm(&mut env, &mut mem, 0, 4).unwrap(), Val::I32(9));
    assert_eq!(&mem[..5], b"fake\xff");
    assert_eq!(comm(&mut env, &mut mem, 0, -1).unwrap(), Val::I32(-22));
    assert_eq!(
        comm(&mut env, &mut mem, 60, 16),
        Err(Trap::MemoryOutOfBounds)
    );
    // probe_read_kernel: 0 and the bytes; -EFAULT with dst zeroed; len checked; dst in memory.
    let read = |env: &mut FakeEnv, mem: &mut [u8], dst: i32, src: i64, len: i32| {
        call(
            env,
            mem,
            id::PROBE_READ_KERNEL,
            &[Val::I32(dst), Val::I64(src), Val::I32(len)],
        )
    };
    mem.fill(0xff);
    assert_eq!(
        read(&mut env, &mut mem, 8, 0xffff_0002, 4).unwrap(),
        Val::I32(0)
    );
    assert_eq!(&mem[8..12], &[3, 4, 5, 6]);
    assert_eq!(read(&mut env, &mut mem, 8, 0x10, 4).unwrap(), Val::I32(-14));
    assert_eq!(&mem[8..12], &[0, 0, 0, 0]);
    for bad_len in [0, -1, 4097] {
        assert_eq!(
            read(&mut env, &mut mem, 8, 0xffff_0000, bad_len).unwrap(),
            Val::I32(-22),
            "len {bad_len}"
        );
    }
    assert_eq!(
        read(&mut env, &mut mem, 62, 0xffff_0000, 4),
        Err(Trap::MemoryOutOfBounds)
    );
}

#[test]
fn v1_host_fns_keep_their_ids() {
    // A v1 hook's imports resolve to the same ids as before v2 was added.
    let v1 = [
        "pkt_len",
        "pkt_read",
        "pkt_write",
        "pkt_u8",
        "pkt_u16",
        "pkt_u32",
        "map_lookup",
        "map_update",
        "map_delete",
        "ktime_ns",
        "trace",
        "kprobe_arg",
    ];
    assert_eq!(v1.len(), wasmhook_hook_abi::V1_HOST_FNS);
    for (i, name) in v1.iter().enumerate() {
        assert_eq!(HOST_FNS[i].name, *name);
        assert_eq!(wasmhook_hook_abi::since(i as u32), 1);
    }
    assert_eq!(wasmhook_hook_abi::since(id::PROBE_READ_KERNEL), 2);
    assert_eq!(wasmhook_hook_abi::since(HOST_FNS.len() as u32), 0);
}

#[test]
fn v2_results_reach_the_hook_through_the_engine() {
    use wasmhook_hook_abi::engine::{plan, Instance, Limits, Module};
    use wasmhook_hook_abi::{AbiHost, AbiImports};
    // kprobe_ret into a local first, as tests/vm/wasm/openret.wat does.
    let wasm = wat::parse_str(
        r#"(module
          (import "wasmhook" "kprobe_ret" (func $ret (result i64)))
          (import "wasmhook" "pid_tgid" (func $pt (result i64)))
          (memory 1)
          (func (export "f") (result i64)
            (local $r i64)
            (local.set $r (call $ret))
            (drop (call $pt))
            (local.get $r)))"#,
    )
    .unwrap();
    let limits = Limits::DEFAULT;
    let p = plan(&wasm, &limits, &AbiImports).unwrap();
    let mut code = vec![0u8; p.module_bytes];
    let m = Module::compile(&wasm, &limits, &AbiImports, &mut code).unwrap();
    let mut mem = vec![0u8; m.instance_bytes()];
    let mut host = AbiHost(FakeEnv::default());
    let mut fuel = 1000;
    let mut inst = Instance::new(&m, &mut mem, &mut fuel, &mut host).unwrap();
    let mut out = [Val::I64(0)];
    inst.invoke(
        m.export_func("f").unwrap(),
        &[],
        &mut out,
        &mut fuel,
        &mut host,
    )
    .unwrap();
    assert_eq!(out[0], Val::I64(-2));
}

#[test]
fn hook_kinds_round_trip_and_check_their_verdicts() {
    use wasmhook_hook_abi::{tc_verdict, HookKind};
    for k in [
        HookKind::Xdp,
        HookKind::Kprobe,
        HookKind::Tc,
        HookKind::Tracepoint,
    ] {
        assert_eq!(HookKind::from_u32(k.to_u32()), Some(k));
    }
    assert_eq!(HookKind::Tc.to_u32(), 3, "the wire value is ABI");
    assert_eq!(HookKind::Tc.entry(), "tc");
    assert_eq!(HookKind::Tracepoint.to_u32(), 4, "the wire value is ABI");
    assert_eq!(HookKind::Tracepoint.entry(), "tracepoint");
    assert_eq!(HookKind::from_u32(5), None);
    // tc: TC_ACT_OK, TC_ACT_SHOT and (v2) TC_ACT_REDIRECT; -1 (TC_ACT_UNSPEC) is not a verdict.
    let ok: Vec<i32> = (-2..10).filter(|v| HookKind::Tc.valid_result(*v)).collect();
    assert_eq!(ok, [tc_verdict::OK, tc_verdict::SHOT, tc_verdict::REDIRECT]);
    let xdp: Vec<i32> = (-2..10)
        .filter(|v| HookKind::Xdp.valid_result(*v))
        .collect();
    assert_eq!(xdp, [0, 1, 2, 3, 4]);
    // A redirect needs a target: never a trap verdict.
    assert!(!HookKind::Xdp.valid_on_trap(4));
    assert!(!HookKind::Tc.valid_on_trap(tc_verdict::REDIRECT));
    assert!(HookKind::Xdp.valid_on_trap(3) && HookKind::Tc.valid_on_trap(tc_verdict::SHOT));
}

#[test]
fn packet_actions_have_their_ids_and_default_to_eopnotsupp() {
    use wasmhook_hook_abi::since;
    for (name, id) in [
        ("redirect", id::REDIRECT),
        ("adjust_head", id::ADJUST_HEAD),
        ("adjust_tail", id::ADJUST_TAIL),
        ("adjust_meta", id::ADJUST_META),
        ("csum_replace", id::CSUM_REPLACE),
        ("csum_l4_replace", id::CSUM_L4_REPLACE),
    ] {
        let f = &HOST_FNS[id as usize];
        assert_eq!(f.name, name);
        assert_eq!(resolve("wasmhook", name, f.params, f.results), Some(id));
        assert_eq!(since(id), 2);
    }
    assert_eq!(id::REDIRECT, 24);
    assert_eq!(id::CSUM_L4_REPLACE, 29);
    assert_eq!(id::RINGBUF_OUTPUT, 23);
    // An environment without packets (FakeEnv keeps the defaults) refuses them all with -95.
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 16];
    let cases: [(u32, &[Val]); 6] = [
        (id::REDIRECT, &[Val::I32(1), Val::I64(0)]),
        (id::ADJUST_HEAD, &[Val::I32(-4)]),
        (id::ADJUST_TAIL, &[Val::I32(-1)]),
        (id::ADJUST_META, &[Val::I32(-4)]),
        (
            id::CSUM_REPLACE,
            &[Val::I32(0), Val::I32(0), Val::I32(1), Val::I32(2)],
        ),
        (
            id::CSUM_L4_REPLACE,
            &[Val::I32(0), Val::I32(0), Val::I32(1), Val::I32(2)],
        ),
    ];
    for (f, args) in cases {
        assert_eq!(
            call(&mut env, &mut mem, f, args),
            Ok(Val::I32(-95)),
            "host id {f}"
        );
    }
    // The placeholder is not a host function the dispatcher runs.
    assert!(call(&mut env, &mut mem, 23, &[]).is_err());
}

#[test]
fn v2_queue_push_pop_peek_through_dispatch() {
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 64];
    mem[..8].copy_from_slice(&7u64.to_le_bytes());
    let call = |env: &mut FakeEnv, mem: &mut Vec<u8>, f: u32, args: &[Val]| {
        let mut r = [Val::I32(0)];
        dispatch(env, f, mem, args, &mut r).map(|()| r[0])
    };
    let push = [Val::I32(2), Val::I32(0), Val::I64(0)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_PUSH, &push),
        Ok(Val::I32(0))
    );
    mem[..8].copy_from_slice(&9u64.to_le_bytes());
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_PUSH, &push),
        Ok(Val::I32(0))
    );
    // peek and pop copy the oldest value (7) to offset 16; the value is the map's value size
    let at16 = [Val::I32(2), Val::I32(16)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_PEEK, &at16),
        Ok(Val::I32(0))
    );
    assert_eq!(&mem[16..24], &7u64.to_le_bytes());
    assert_eq!(env.queue.len(), 2, "peek leaves the value in");
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_POP, &at16),
        Ok(Val::I32(0))
    );
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_POP, &at16),
        Ok(Val::I32(0))
    );
    assert_eq!(&mem[16..24], &9u64.to_le_bytes());
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_POP, &at16),
        Ok(Val::I32(-2))
    );
    // no such map: -EINVAL; a value range past memory traps
    let bad = [Val::I32(3), Val::I32(0)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_POP, &bad),
        Ok(Val::I32(-22))
    );
    let oob = [Val::I32(2), Val::I32(60)];
    assert_eq!(
        call(&mut env, &mut mem, id::MAP_PEEK, &oob),
        Err(Trap::MemoryOutOfBounds)
    );
    // wrong signature traps; each costs MAP_OP_FUEL
    assert!(call(&mut env, &mut mem, id::MAP_PUSH, &at16).is_err());
    for f in [id::MAP_PUSH, id::MAP_POP, id::MAP_PEEK] {
        assert_eq!(wasmhook_hook_abi::since(f), 2);
        assert_eq!(
            wasmhook_hook_abi::fuel_cost(f, &push),
            wasmhook_hook_abi::MAP_OP_FUEL
        );
    }
    assert_eq!(
        resolve(
            "wasmhook",
            "map_push",
            &[ValType::I32, ValType::I32, ValType::I64],
            &[ValType::I32]
        ),
        Some(id::MAP_PUSH)
    );
}

#[test]
fn v2_map_types_declare_with_their_key_rules() {
    let d = |t, k| MapDecl::new("m", t, k, 4, 8).is_some();
    assert!(d(MapType::LpmTrie, 8) && d(MapType::LpmTrie, 5) && !d(MapType::LpmTrie, 4));
    for t in [MapType::Queue, MapType::Stack, MapType::BloomFilter] {
        assert!(d(t, 0), "{t:?} has no keys");
        assert!(!d(t, 4), "{t:?} refuses a key");
        assert_eq!(MapType::from_u32(t.to_u32()), Some(t));
    }
    assert!(!d(MapType::Hash, 0), "a hash still needs keys");
    assert_eq!(MapType::LpmTrie.create_flags(), 1);
    let mut decls = MapDecls::new();
    assert!(decls.push(MapDecl::new("q", MapType::Queue, 0, 8, 16).unwrap()));
    assert!(decls.push(MapDecl::new("cidrs", MapType::LpmTrie, 8, 4, 16).unwrap()));
    let mut buf = [0u8; 64];
    let n = decls.encode(&mut buf).unwrap();
    assert_eq!(MapDecls::parse(&buf[..n]), Ok(decls));
    // a queue declared with a key size is refused at its declaration's offset
    buf[2 + 1 + 1 + 4] = 4;
    assert_eq!(MapDecls::parse(&buf[..n]).unwrap_err().offset, 2);
}

#[test]
fn v2_ringbuf_output_checks_lengths_before_the_env_sees_them() {
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 2048];
    mem[..4].copy_from_slice(b"exec");
    let call = |env: &mut FakeEnv, mem: &mut Vec<u8>, args: &[Val]| {
        let mut r = [Val::I32(0)];
        dispatch(env, id::RINGBUF_OUTPUT, mem, args, &mut r).map(|()| r[0])
    };
    let out = |map: i32, ptr: i32, len: i32, flags: i64| {
        [Val::I32(map), Val::I32(ptr), Val::I32(len), Val::I64(flags)]
    };
    assert_eq!(call(&mut env, &mut mem, &out(3, 0, 4, 2)), Ok(Val::I32(0)));
    assert_eq!(env.events, vec![(b"exec".to_vec(), 2)]);
    // the env's answer for a map that is no ring buffer
    assert_eq!(
        call(&mut env, &mut mem, &out(0, 0, 4, 0)),
        Ok(Val::I32(-22))
    );
    // empty, negative, too long, a negative map index: refused before the env
    assert_eq!(
        call(&mut env, &mut mem, &out(3, 0, 0, 0)),
        Ok(Val::I32(-22))
    );
    assert_eq!(
        call(&mut env, &mut mem, &out(3, 0, -1, 0)),
        Ok(Val::I32(-22))
    );
    assert_eq!(
        call(&mut env, &mut mem, &out(3, 0, 1025, 0)),
        Ok(Val::I32(-7))
    );
    assert_eq!(
        call(&mut env, &mut mem, &out(-1, 0, 4, 0)),
        Ok(Val::I32(-22))
    );
    // a record past the end of memory traps, as every memory range does
    assert_eq!(
        call(&mut env, &mut mem, &out(3, 2040, 16, 0)),
        Err(Trap::MemoryOutOfBounds)
    );
    assert_eq!(env.events.len(), 1, "nothing else reached the env");
    // fuel: a map operation plus its bytes
    assert_eq!(
        wasmhook_hook_abi::fuel_cost(id::RINGBUF_OUTPUT, &out(3, 0, 1024, 0)),
        wasmhook_hook_abi::MAP_OP_FUEL + 1024 / wasmhook_hook_abi::BYTES_PER_FUEL
    );
    assert_eq!(wasmhook_hook_abi::since(id::RINGBUF_OUTPUT), 2);
}

#[test]
fn v2_ringbuf_declarations() {
    let rb = |k, v, e| MapDecl::new("ev", MapType::RingBuf, k, v, e).is_some();
    assert!(rb(0, 0, 4096) && rb(0, 0, 1 << 26));
    assert!(!rb(0, 0, 5000), "a power of two");
    assert!(!rb(0, 0, 2048) && !rb(0, 0, 1 << 27), "one page to 64 MiB");
    assert!(!rb(4, 0, 4096) && !rb(0, 8, 4096), "no keys, no values");
    let mut d = MapDecls::new();
    assert!(d.push(MapDecl::new("ev", MapType::RingBuf, 0, 0, 4096).unwrap()));
    assert!(
        !d.push(MapDecl::new("ev2", MapType::RingBuf, 0, 0, 4096).unwrap()),
        "one ring buffer per hook"
    );
    assert_eq!(MapType::from_u32(27), Some(MapType::RingBuf));
    assert_eq!(MapType::RingBuf.since(), 2);
}

/// A tracepoint environment: [`FakeEnv`] plus a record.
struct TpEnv(FakeEnv, Option<Vec<u8>>);

impl HookEnv for TpEnv {
    fn packet(&mut self) -> &mut [u8] {
        self.0.packet()
    }
    fn map_sizes(&mut self, idx: u32) -> Option<(usize, usize)> {
        self.0.map_sizes(idx)
    }
    fn map_lookup(&mut self, idx: u32, key: &[u8], value: &mut [u8]) -> i32 {
        self.0.map_lookup(idx, key, value)
    }
    fn map_update(&mut self, idx: u32, key: &[u8], value: &[u8], flags: u64) -> i32 {
        self.0.map_update(idx, key, value, flags)
    }
    fn map_delete(&mut self, idx: u32, key: &[u8]) -> i32 {
        self.0.map_delete(idx, key)
    }
    fn ktime_ns(&mut self) -> u64 {
        0
    }
    fn trace(&mut self, _msg: &[u8]) {}
    fn kprobe_arg(&mut self, _n: u32) -> u64 {
        0
    }
    wasmhook_hook_abi::no_task_context!();
    fn map_push(&mut self, idx: u32, value: &[u8], flags: u64) -> i32 {
        self.0.map_push(idx, value, flags)
    }
    fn map_pop(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        self.0.map_pop(idx, value)
    }
    fn map_peek(&mut self, idx: u32, value: &mut [u8]) -> i32 {
        self.0.map_peek(idx, value)
    }
    fn record(&mut self) -> Option<&[u8]> {
        self.1.as_deref()
    }
}

#[test]
fn ctx_read_is_bounded_by_the_record_copy() {
    let mut env = TpEnv(FakeEnv::default(), Some((0u8..16).collect()));
    let mut mem = vec![0u8; 64];
    let rd = |env: &mut TpEnv, mem: &mut [u8], off: i32, ptr: i32, len: i32| {
        let mut out = [Val::I32(-99)];
        dispatch(
            env,
            id::CTX_READ,
            mem,
            &[Val::I32(off), Val::I32(ptr), Val::I32(len)],
            &mut out,
        )
        .map(|_| out[0])
    };
    assert_eq!(rd(&mut env, &mut mem, 4, 8, 4), Ok(Val::I32(4)));
    assert_eq!(&mem[8..12], &[4, 5, 6, 7]);
    assert_eq!(rd(&mut env, &mut mem, 0, 0, 16), Ok(Val::I32(16)));
    assert_eq!(rd(&mut env, &mut mem, 0, 0, 0), Ok(Val::I32(0)));
    // past the copy: -EFAULT; negative: -EINVAL; past Wasm memory: a trap
    assert_eq!(rd(&mut env, &mut mem, 12, 0, 5), Ok(Val::I32(-14)));
    assert_eq!(rd(&mut env, &mut mem, i32::MAX, 0, 2), Ok(Val::I32(-14)));
    assert_eq!(rd(&mut env, &mut mem, -1, 0, 2), Ok(Val::I32(-22)));
    assert_eq!(rd(&mut env, &mut mem, 0, 0, -2), Ok(Val::I32(-22)));
    assert_eq!(
        rd(&mut env, &mut mem, 0, 60, 8),
        Err(Trap::MemoryOutOfBounds)
    );
    // not a tracepoint hook: -EINVAL
    let mut other = TpEnv(FakeEnv::default(), None);
    assert_eq!(rd(&mut other, &mut mem, 0, 0, 1), Ok(Val::I32(-22)));
    assert_eq!(
        resolve(
            "wasmhook",
            "ctx_read",
            &[ValType::I32, ValType::I32, ValType::I32],
            &[ValType::I32]
        ),
        Some(id::CTX_READ)
    );
    assert_eq!(wasmhook_hook_abi::since(id::CTX_READ), 2);
}

#[test]
fn v2_devmap_declarations_and_redirect_map() {
    let dm = |t, k, v| MapDecl::new("tx", t, k, v, 8).is_some();
    for t in [MapType::DevMap, MapType::DevMapHash] {
        assert!(
            dm(t, 4, 4) && dm(t, 4, 8),
            "{t:?}: u32 keys, ifindex or bpf_devmap_val"
        );
        assert!(!dm(t, 8, 4) && !dm(t, 4, 16) && !dm(t, 0, 4), "{t:?}");
        assert!(t.is_devmap() && t.since() == 2);
        assert_eq!(MapType::from_u32(t.to_u32()), Some(t));
    }
    assert_eq!(MapType::DevMap.to_u32(), 14);
    assert_eq!(MapType::DevMapHash.to_u32(), 25);
    // one devmap per hook, of either type, refused at the second declaration's offset
    let mut d = MapDecls::new();
    assert!(d.push(MapDecl::new("tx", MapType::DevMap, 4, 4, 8).unwrap()));
    assert!(!d.push(MapDecl::new("tx2", MapType::DevMapHash, 4, 4, 8).unwrap()));
    let mut buf = [0u8; 64];
    let n = d.encode(&mut buf).unwrap();
    buf[1] = 2;
    let second = [
        2u8, b't', b'y', 25, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0,
    ];
    buf[n..n + second.len()].copy_from_slice(&second);
    let e = MapDecls::parse(&buf[..n + second.len()]).unwrap_err();
    assert_eq!(e.offset, n);
    assert!(e.msg.contains("more than one devmap"), "{}", e.msg);

    // redirect_map: a negative map index is refused before the env; otherwise the env decides
    // (the default env, like every hook kind but XDP, answers -95 EOPNOTSUPP)
    let mut env = FakeEnv::default();
    let mut mem = vec![0u8; 64];
    let call = |env: &mut FakeEnv, mem: &mut Vec<u8>, map: i32, key: i32, flags: i64| {
        let mut r = [Val::I32(0)];
        let args = [Val::I32(map), Val::I32(key), Val::I64(flags)];
        dispatch(env, id::REDIRECT_MAP, mem, &args, &mut r).map(|()| r[0])
    };
    assert_eq!(call(&mut env, &mut mem, -1, 0, 0), Ok(Val::I32(-22)));
    assert_eq!(call(&mut env, &mut mem, 0, 3, 2), Ok(Val::I32(-95)));
    assert_eq!(HOST_FNS[id::REDIRECT_MAP as usize].name, "redirect_map");
    assert_eq!(wasmhook_hook_abi::since(id::REDIRECT_MAP), 2);
    assert!(!wasmhook_hook_abi::HookKind::Tracepoint.may_import(id::REDIRECT_MAP));
    assert!(wasmhook_hook_abi::HookKind::Xdp.may_import(id::REDIRECT_MAP));
    assert_eq!(
        wasmhook_hook_abi::verdict::REDIRECT_MAP_MAX_KEY,
        (1 << 21) - 1
    );
}
