//! Unit tests of the SDK's pure logic against the host mock.

use std::string::ToString;
use std::vec;

use crate::net::{ethertype, Ipv4};
use crate::*;

#[test]
fn section_bytes_match_the_documented_layout() {
    const D: &[MapDecl] = &[
        MapDecl::new("policy", MapType::Array, 4, 4, 1),
        MapDecl::new("c", MapType::LruHash, 12, 8, 4096),
    ];
    const S: [u8; maps_section_len(D)] = maps_section(D);
    let mut want = vec![1u8, 2, 6];
    want.extend_from_slice(b"policy");
    for w in [2u32, 4, 4, 1] {
        want.extend_from_slice(&w.to_le_bytes());
    }
    want.push(1);
    want.push(b'c');
    for w in [9u32, 12, 8, 4096] {
        want.extend_from_slice(&w.to_le_bytes());
    }
    assert_eq!(&S[..], &want[..]);
    const E: [u8; 2] = maps_section(&[]);
    assert_eq!(E, [1, 0]);
}

mod declared {
    crate::maps! {
        policy: Array<u32, u32> [1];
        pub counts: PercpuArray<u32, u64> [256];
        flows: Hash<[u8; 8], u32> [16];
    }
    #[test]
    fn handles_are_numbered_in_order() {
        assert_eq!((policy.index(), counts.index(), flows.index()), (0, 1, 2));
        assert_eq!(__WASMHOOK_MAPS[..3], [1, 3, 6]);
        assert_eq!(__WASMHOOK_MAPS.len(), 2 + 3 * 17 + 6 + 6 + 5);
    }
}

#[test]
fn packet_reads_are_bounds_checked() {
    mock::reset(&[1, 2, 3, 4, 5], &[]);
    let mut p = Packet::current();
    assert_eq!(p.len(), 5);
    assert_eq!(p.u8(4), Some(5));
    assert_eq!(p.u8(5), None);
    assert_eq!(p.u16(0), Some(0x0102));
    assert_eq!(p.u16(4), None);
    assert_eq!(p.u32(1), Some(0x0203_0405));
    assert_eq!(p.u32(2), None);
    assert_eq!(p.u8(usize::MAX), None);
    assert_eq!(p.array::<2>(3), Some([4, 5]));
    assert_eq!(p.array::<2>(4), None);
    assert_eq!(p.write(3, &[9, 9]), Ok(()));
    assert_eq!(p.write(4, &[9, 9]), Err(OutOfBounds));
    assert_eq!(mock::with(|e| e.packet.clone()), vec![1, 2, 3, 9, 9]);
}

#[test]
fn maps_lookup_update_delete_add() {
    mock::reset(&[], &[(4, 8)]);
    let m: Map<u32, u64> = Map::new(0);
    assert_eq!(m.lookup(&7), None);
    assert_eq!(m.update(&7, &1, UpdateFlags::Exist), Err(MapError(2)));
    assert_eq!(m.set(&7, &41), Ok(()));
    assert_eq!(m.add(&7, 1), 42);
    assert_eq!(m.lookup(&7), Some(42));
    assert_eq!(m.update(&7, &1, UpdateFlags::NoExist), Err(MapError(17)));
    assert_eq!(m.delete(&7), Ok(()));
    assert_eq!(m.delete(&7), Err(MapError(2)));
    let missing: Map<u32, u64> = Map::new(2);
    assert_eq!(missing.set(&0, &0), Err(MapError(22)));
}

#[test]
fn vlan_tags_are_skipped() {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00]);
    f.extend_from_slice(&[
        0x45, 0, 0, 28, 0, 0, 0x20, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    mock::reset(&f, &[]);
    let p = Packet::current();
    assert_eq!(ethertype(&p), Some((net::ETH_P_IP, 22)));
    let ip = Ipv4::parse(&p, 22).unwrap();
    assert_eq!(
        (
            ip.protocol(),
            ip.frag_offset(),
            ip.more_fragments(),
            ip.header_len,
            ip.payload_off(),
        ),
        (Some(1), Some(0), Some(true), 20, 42)
    );
    assert_eq!(ip.src(), Some(0x0a00_0001));
    assert_eq!(ip.dst(), Some(0x0a00_0002));
    assert_eq!(ip.total_len(), Some(28));
    assert_eq!(ip.ttl(), Some(64));
    // fields past the end of a truncated packet are None, not garbage
    mock::reset(&f[..30], &[]);
    let p = Packet::current();
    let ip = Ipv4::parse(&p, 22).unwrap();
    assert_eq!((ip.protocol(), ip.src()), (None, None));
    // offsets beyond i32::MAX are past the end, not wrapped
    assert_eq!(p.u8(usize::MAX), None);
    assert_eq!(p.u16(1 << 32), None);
}

#[test]
fn trace_kprobe_ktime() {
    mock::reset(&[], &[]);
    mock::with(|e| {
        e.kprobe_args = [10, 11, 12, 13, 14, 15];
        e.ktime_ns = 99;
    });
    crate::trace!("n={} x={:#x}", 3, 255);
    assert_eq!(
        mock::with(|e| e.trace.clone()),
        vec!["n=3 x=0xff".to_string()]
    );
    assert_eq!(Kprobe::current().arg(5), 15);
    assert_eq!(Kprobe::current().arg(6), 0);
    assert_eq!(ktime_ns(), 99);
    let long = [b'a'; 300];
    trace(&long);
    assert_eq!(mock::with(|e| e.trace[1].len()), 128);
}

mod entry {
    use crate::{Packet, Verdict};
    crate::xdp!(
        fn f(pkt: &Packet) -> Verdict {
            if pkt.len() > 3 {
                Verdict::Drop
            } else {
                Verdict::Pass
            }
        }
    );
    #[test]
    fn xdp_entry_returns_the_wire_verdict() {
        assert_eq!(xdp(4), 1);
        assert_eq!(xdp(1), 2);
        assert_eq!(Verdict::from_i32(3), Some(Verdict::Tx));
        assert_eq!(Verdict::from_i32(4), Some(Verdict::Redirect));
        assert_eq!(Verdict::from_i32(5), None);
    }

    #[test]
    fn adjust_is_refused_outside_the_kernel() {
        use crate::PacketError;
        crate::mock::reset(&[0; 60], &[]);
        assert_eq!(crate::adjust_head(-14), Err(PacketError(95)));
        assert_eq!(crate::adjust_tail(-1), Err(PacketError(95)));
        assert_eq!(crate::adjust_meta(-4), Err(PacketError(95)));
    }

    #[test]
    fn mock_redirect_keeps_the_target_and_checks_arguments() {
        use crate::{mock, PacketError};
        mock::reset(&[0; 60], &[]);
        assert_eq!(crate::redirect(3, false), Ok(()));
        assert_eq!(mock::with(|e| e.redirect), Some((3, 0)));
        assert_eq!(crate::redirect(5, true), Ok(()));
        assert_eq!(mock::with(|e| e.redirect), Some((5, 1)));
        assert_eq!(crate::redirect(0, false), Err(PacketError(22)));
        assert_eq!(crate::redirect(1 << 23, false), Err(PacketError(22)));
        // SAFETY: plain values.
        assert_eq!(unsafe { crate::sys::redirect(3, 2) }, -22);
        assert_eq!(mock::with(|e| e.redirect), Some((5, 1)));
    }

    /// The ones' complement sum of 16-bit big-endian words, folded.
    fn sum16(b: &[u8]) -> u16 {
        let mut s: u32 = b
            .chunks(2)
            .map(|w| u32::from(w[0]) << 8 | u32::from(*w.get(1).unwrap_or(&0)))
            .sum();
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        s as u16
    }

    #[test]
    fn mock_csum_replace_keeps_the_ipv4_checksum_valid() {
        use crate::{mock, Packet, PacketError};
        // An IPv4 header (14 bytes of Ethernet first) with its checksum computed.
        let mut f = std::vec![0u8; 14];
        f.extend_from_slice(&[
            0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 9, 0, 1, 10, 9, 0, 2,
        ]);
        let c = !sum16(&f[14..34]);
        f[24..26].copy_from_slice(&c.to_be_bytes());
        assert_eq!(sum16(&f[14..34]), 0xffff);
        mock::reset(&f, &[]);
        let mut pkt = Packet::current();
        // tos 0 -> 0xb8 (DSCP EF): the word at 14 changes from 0x4500 to 0x45b8.
        pkt.write(15, &[0xb8]).unwrap();
        assert_eq!(crate::csum_replace16(24, 0x4500, 0x45b8), Ok(()));
        let h = mock::with(|e| e.packet[14..34].to_vec());
        assert_eq!(sum16(&h), 0xffff);
        assert_ne!(h[10..12], f[24..26]);
        // A 4-byte field: the destination address.
        pkt.write(30, &[192, 168, 7, 9]).unwrap();
        assert_eq!(crate::csum_replace32(24, 0x0a09_0002, 0xc0a8_0709), Ok(()));
        assert_eq!(sum16(&mock::with(|e| e.packet[14..34].to_vec())), 0xffff);
        // Past the packet, a bad size, a 2-byte value above 0xffff: refused, nothing written.
        let before = mock::with(|e| e.packet.clone());
        assert_eq!(crate::csum_replace16(33, 0, 1), Err(PacketError(22)));
        // SAFETY: plain values.
        assert_eq!(unsafe { crate::sys::csum_replace(24, 0, 1, 3) }, -22);
        // SAFETY: plain values.
        assert_eq!(unsafe { crate::sys::csum_replace(24, 0x10000, 1, 2) }, -22);
        assert_eq!(mock::with(|e| e.packet.clone()), before);
    }

    #[test]
    fn mock_csum_l4_replace_follows_the_udp_rules() {
        use crate::{mock, PacketError};
        // A UDP checksum of 0 (none) stays 0; one that would become 0 is written 0xffff.
        mock::reset(&[0, 0, 0x12, 0x34], &[]);
        assert_eq!(crate::csum_l4_replace(0, 1, 2, 0x22), Ok(()));
        assert_eq!(mock::with(|e| e.packet[..2].to_vec()), std::vec![0, 0]);
        // ~0x1234 + ~0 + 0x1234 folds to 0xffff: the new checksum is 0, written 0xffff.
        assert_eq!(crate::csum_l4_replace(2, 0, 0x1234, 0x22), Ok(()));
        assert_eq!(
            mock::with(|e| e.packet[2..].to_vec()),
            std::vec![0xff, 0xff]
        );
        assert_eq!(crate::csum_l4_replace(2, 1, 2, 0x42), Err(PacketError(22)));
    }
}

mod tc_entry {
    use crate::{Packet, TcVerdict};
    crate::tc!(
        fn f(pkt: &Packet, wire_len: u32) -> TcVerdict {
            // Drop when the packet is longer than what the hook can read (and not empty).
            if wire_len as usize > pkt.len() && !pkt.is_empty() {
                TcVerdict::Shot
            } else {
                TcVerdict::Ok
            }
        }
    );
    #[test]
    fn tc_entry_reads_the_packet_and_returns_tc_verdicts() {
        crate::mock::reset(&[0u8; 60], &[]);
        assert_eq!(tc(60), 0, "whole packet readable: TC_ACT_OK");
        assert_eq!(tc(1500), 2, "only the head readable: TC_ACT_SHOT");
        assert_eq!(
            TcVerdict::from_i32(1),
            None,
            "TC_ACT_RECLASSIFY is not a hook verdict"
        );
        assert_eq!(TcVerdict::from_i32(2), Some(TcVerdict::Shot));
    }
}

mod kprobe_entry {
    use crate::Kprobe;
    std::thread_local! {
        static SEEN: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
    }
    crate::kprobe!(
        fn probe(ctx: &Kprobe) {
            SEEN.with(|s| s.set(ctx.arg(1)));
        }
    );
    #[test]
    fn kprobe_entry_passes_the_arguments_and_returns_0() {
        crate::mock::reset(&[], &[]);
        crate::mock::with(|e| e.kprobe_args[1] = 77);
        assert_eq!(kprobe(0), 0);
        assert_eq!(SEEN.with(|s| s.get()), 77);
    }
}

mod tracepoint_entry {
    use crate::Record;
    std::thread_local! {
        static SEEN: core::cell::RefCell<(u32, u32, [u8; 16], usize)> =
            const { core::cell::RefCell::new((0, 0, [0; 16], 0)) };
    }
    crate::tracepoint!(
        fn exec(rec: &Record) {
            let mut name = [0u8; 16];
            let n = rec.data_loc_str(8, &mut name).unwrap_or(99);
            SEEN.with(|s| *s.borrow_mut() = (rec.len(), rec.u32(12).unwrap_or(0), name, n));
        }
    );
    #[test]
    fn tracepoint_entry_reads_fields_and_data_loc_strings() {
        crate::mock::reset(&[], &[]);
        // sched_process_exec's layout: common fields, __data_loc filename @8, pid @12,
        // old_pid @16, then the string.
        let mut rec = std::vec![0u8; 20];
        rec[8..12].copy_from_slice(&((10u32 << 16) | 20).to_le_bytes());
        rec[12..16].copy_from_slice(&4321u32.to_le_bytes());
        rec.extend_from_slice(b"/bin/true\0");
        crate::mock::with(|e| e.record = Some(rec.clone()));
        assert_eq!(tracepoint(30), 0);
        let (len, pid, name, n) = SEEN.with(|s| *s.borrow());
        assert_eq!((len, pid, n), (30, 4321, 9));
        assert_eq!(&name[..10], b"/bin/true\0");
        let r = Record::current(30);
        assert_eq!(r.u32(28), None, "past the record");
        assert_eq!(
            r.u64(0),
            Some(u64::from_le_bytes(rec[..8].try_into().unwrap()))
        );
        // a string longer than the buffer is cut and stays NUL-terminated
        let mut short = [0xffu8; 5];
        assert_eq!(r.data_loc_str(8, &mut short), Some(4));
        assert_eq!(&short, b"/bin\0");
        // no record (not a tracepoint hook): every read is None
        crate::mock::with(|e| e.record = None);
        assert_eq!(r.u32(12), None);
    }
}

#[test]
fn v2_task_and_kernel_reads() {
    mock::reset(&[], &[]);
    mock::with(|e| {
        e.pid_tgid = (4242 << 32) | 4243;
        e.uid_gid = (1001 << 32) | 1000;
        e.comm = *b"whprobe\0\0\0\0\0\0\0\0\0";
        e.cpu_id = 1;
        e.ktime_boot_ns = 5;
        e.kprobe_ret = -2i64 as u64;
        e.kernel = vec![1, 0, 0, 0, 0, 0, 0, 0, 9];
        e.kernel_base = 0xffff_8000_0000_0000;
    });
    assert_eq!((task::tgid(), task::pid()), (4242, 4243));
    assert_eq!((task::uid(), task::gid()), (1000, 1001));
    assert!(task::comm_is(b"whprobe"));
    assert!(!task::comm_is(b"whprob"));
    assert_eq!(cpu_id(), 1);
    assert_eq!(ktime_boot_ns(), 5);
    assert_ne!(prandom_u32(), prandom_u32());
    assert_eq!(Kprobe::current().ret_i64(), -2);
    // An `int` function's -ENOENT: the upper half of the register is not sign-extended.
    mock::with(|e| e.kprobe_ret = 0xffff_fffe);
    assert_eq!(Kprobe::current().ret_i32(), -2);
    assert_eq!(Kprobe::current().ret_i64(), 0xffff_fffe);
    let base = 0xffff_8000_0000_0000u64;
    assert_eq!(read_kernel::<u64>(base), Ok(1));
    assert_eq!(read_kernel::<u8>(base + 8), Ok(9));
    assert_eq!(read_kernel::<u64>(base + 4), Err(ReadError::Fault));
    assert_eq!(read_kernel::<u64>(0), Err(ReadError::Fault));
    let mut big = [0u8; 4097];
    assert_eq!(probe_read_kernel(&mut big, base), Err(ReadError::BadLength));
    assert_eq!(probe_read_kernel(&mut [], base), Err(ReadError::BadLength));
}

mod v2_maps {
    use crate::LpmKey;

    crate::maps! {
        cidrs: LpmTrie<LpmKey<[u8; 4]>, u32> [16];
        events: Queue<[u8; 8]> [4];
        seen: BloomFilter<u32> [64];
    }

    #[test]
    fn declarations_of_the_v2_types() {
        let d = __WASMHOOK_MAP_DECLS;
        assert_eq!(
            (d[0].map_type, d[0].key_size, d[0].value_size),
            (crate::MapType::LpmTrie, 8, 4)
        );
        assert_eq!(
            (d[1].map_type, d[1].key_size, d[1].value_size),
            (crate::MapType::Queue, 0, 8)
        );
        assert_eq!(
            (d[2].map_type, d[2].key_size),
            (crate::MapType::BloomFilter, 0)
        );
        // the section the kernel-side parser reads: lpm_trie is type 11
        assert_eq!(
            &__WASMHOOK_MAPS[2 + 1 + 5..2 + 1 + 5 + 8],
            &[11, 0, 0, 0, 8, 0, 0, 0]
        );
        let k = crate::LpmKey::new(8, [10, 0, 0, 0]);
        assert_eq!(k.prefixlen(), 8);
        assert_eq!(core::mem::size_of_val(&k), 8);
        assert_eq!(crate::LpmKey::exact([1u8; 16]).prefixlen(), 128);
        assert_eq!(cidrs.index(), 0);
    }

    #[test]
    fn queue_stack_and_bloom_filter_on_the_mock() {
        crate::mock::reset(&[], &[(8, 4), (0, 8), (0, 4)]);
        crate::mock::with(|e| e.maps[2].bloom = true);
        assert_eq!(events.pop(), None);
        for i in 1u8..=3 {
            events.push(&[i; 8]).unwrap();
        }
        assert_eq!(events.peek(), Some([1; 8]));
        assert_eq!(events.pop(), Some([1; 8]), "FIFO");
        assert_eq!(events.pop(), Some([2; 8]));
        crate::mock::with(|e| e.maps[1].lifo = true);
        events.push(&[9; 8]).unwrap();
        assert_eq!(events.pop(), Some([9; 8]), "as a stack: LIFO");
        assert!(!seen.contains(&7));
        seen.insert(&7).unwrap();
        assert!(seen.contains(&7));
        assert!(!seen.contains(&8));
    }
}

mod ringbuf {
    #[derive(Clone, Copy)]
    #[repr(C)]
    struct Exec {
        pid: u32,
        comm: [u8; 12],
    }
    // SAFETY: two fields without padding (4 + 12 bytes), any bytes valid.
    unsafe impl crate::Pod for Exec {}

    crate::maps! {
        counts: Array<u32, u64> [1];
        events: RingBuf<Exec> [8192];
    }

    #[test]
    fn a_ringbuf_declares_its_size_and_emits_typed_records() {
        let d = __WASMHOOK_MAP_DECLS;
        assert_eq!(
            (
                d[1].map_type,
                d[1].key_size,
                d[1].value_size,
                d[1].max_entries
            ),
            (crate::MapType::RingBuf, 0, 0, 8192)
        );
        // type 27, key 0, value 0, 8192 bytes, as the kernel-side parser reads it
        let at = 2 + 1 + 6 + 16 + 1 + 6;
        assert_eq!(
            &__WASMHOOK_MAPS[at..at + 16],
            &[27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0]
        );
        crate::mock::reset(&[], &[(4, 8), (0, 0)]);
        let e = Exec {
            pid: 7,
            comm: *b"true\0\0\0\0\0\0\0\0",
        };
        events.output(&e).unwrap();
        events.output_prefix(&e, 8).unwrap();
        let got = crate::mock::with(|m| m.events.clone());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        assert_eq!(&got[0].1[..8], &[7, 0, 0, 0, b't', b'r', b'u', b'e']);
        assert_eq!(got[0].1.len(), 16);
        assert_eq!(got[1].1.len(), 8);
        let _ = counts;
    }
}

mod devmap {
    use crate::Verdict;

    crate::maps! {
        hits: Array<u32, u64> [1];
        ports: DevMap<u32, u32> [8];
    }

    #[test]
    fn a_devmap_declares_u32_keys_and_redirects_through_the_host() {
        let d = __WASMHOOK_MAP_DECLS;
        assert_eq!(
            (
                d[1].map_type,
                d[1].key_size,
                d[1].value_size,
                d[1].max_entries
            ),
            (crate::MapType::DevMap, 4, 4, 8)
        );
        // type 14, key 4, value 4, 8 entries, as the kernel-side parser reads it
        let at = 2 + 1 + 4 + 16 + 1 + 5;
        assert_eq!(
            &__WASMHOOK_MAPS[at..at + 16],
            &[14, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0]
        );
        crate::mock::reset(&[], &[(4, 8), (4, 4)]);
        assert_eq!(ports.redirect(3, Verdict::Pass), Verdict::Redirect);
        assert_eq!(crate::mock::with(|m| m.redirect_map), Some((1, 3, 2)));
        // A REDIRECT fallback and a key past the verdict's 21 bits are refused: ABORTED, and
        // the accepted target stays.
        assert_eq!(ports.redirect(4, Verdict::Redirect), Verdict::Aborted);
        assert_eq!(ports.redirect(1 << 21, Verdict::Drop), Verdict::Aborted);
        assert_eq!(crate::mock::with(|m| m.redirect_map), Some((1, 3, 2)));
        let _ = hits;
    }
}
