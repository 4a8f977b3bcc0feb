//! Tracepoint formats: `/sys/kernel/tracing/events/CATEGORY/NAME/format`, read to check that a
//! tracepoint exists, to show its field layout and to size the record copy the tracepoint
//! trampoline makes (`wh_cfg[4]`, docs/hook-abi.md "Tracepoint hooks").

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use wasmhook_hook_abi::MAX_TP_RECORD;

/// Bytes copied after a record's fixed part when it has `__data_loc` fields (their data follows
/// the fixed part); the copy never exceeds [`MAX_TP_RECORD`].
pub const DATA_LOC_TAIL: u32 = 256;

/// One field of a trace record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// C declaration as the format file spells it (`__data_loc char[] filename`).
    pub decl: String,
    /// Byte offset in the record.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
}

impl Field {
    /// Whether this is a `__data_loc`/`__rel_loc` field: a u32 of `len << 16 | offset` (for
    /// `__rel_loc`, the offset counts from the end of the field).
    pub fn is_data_loc(&self) -> bool {
        self.decl.starts_with("__data_loc") || self.decl.starts_with("__rel_loc")
    }
}

/// A tracepoint's format.
#[derive(Debug, Clone)]
pub struct Format {
    /// `CATEGORY:NAME`.
    pub spec: String,
    /// The fields, common ones first.
    pub fields: Vec<Field>,
}

impl Format {
    /// Bytes of the record's fixed part (every field's end).
    pub fn fixed_size(&self) -> u32 {
        self.fields
            .iter()
            .map(|f| f.offset.saturating_add(f.size))
            .max()
            .unwrap_or(0)
    }
    /// Whether the record has dynamic data after its fixed part.
    pub fn has_data_loc(&self) -> bool {
        self.fields.iter().any(Field::is_data_loc)
    }
    /// How many bytes the trampoline copies: the fixed part, plus [`DATA_LOC_TAIL`] when there
    /// is dynamic data, at most [`MAX_TP_RECORD`].
    pub fn copy_len(&self) -> u32 {
        let tail = if self.has_data_loc() {
            DATA_LOC_TAIL
        } else {
            0
        };
        self.fixed_size().saturating_add(tail).min(MAX_TP_RECORD)
    }
    /// The layout, one field per line, as `--verbose` and errors show it.
    pub fn layout(&self) -> String {
        let mut s = format!(
            "tracepoint {}: record {} bytes fixed{}, the hook gets {} (ctx_read)\n",
            self.spec,
            self.fixed_size(),
            if self.has_data_loc() {
                " + __data_loc data"
            } else {
                ""
            },
            self.copy_len()
        );
        for f in &self.fields {
            s.push_str(&format!(
                "  offset {:3} size {:2}  {}\n",
                f.offset, f.size, f.decl
            ));
        }
        s
    }
}

/// Parses the text of a format file.
pub fn parse(spec: &str, text: &str) -> Result<Format> {
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("field:") else {
            continue;
        };
        let mut decl = None;
        let mut offset = None;
        let mut size = None;
        for (i, part) in rest.split(';').enumerate() {
            let part = part.trim();
            if i == 0 {
                decl = Some(part.to_owned());
            } else if let Some(v) = part.strip_prefix("offset:") {
                offset = v.trim().parse::<u32>().ok();
            } else if let Some(v) = part.strip_prefix("size:") {
                size = v.trim().parse::<u32>().ok();
            }
        }
        match (decl, offset, size) {
            (Some(decl), Some(offset), Some(size)) => fields.push(Field { decl, offset, size }),
            _ => bail!("tracepoint {spec}: cannot parse format line `{line}`"),
        }
    }
    if fields.is_empty() {
        bail!("tracepoint {spec}: its format lists no fields");
    }
    Ok(Format {
        spec: spec.to_owned(),
        fields,
    })
}

/// The tracefs mount: /sys/kernel/tracing, else /sys/kernel/debug/tracing.
pub fn root() -> Option<PathBuf> {
    ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.join("events").is_dir())
}

/// Splits `CATEGORY:NAME` (each `[A-Za-z0-9_-]+`, so neither can leave the events directory).
pub fn split(spec: &str) -> Result<(&str, &str)> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    };
    match spec.split_once(':') {
        Some((c, n)) if ok(c) && ok(n) => Ok((c, n)),
        _ => bail!(
            "--tracepoint {spec}: want CATEGORY:NAME (e.g. sched:sched_process_exec; see \
             /sys/kernel/tracing/events/)"
        ),
    }
}

/// Reads the format of tracepoint `CATEGORY:NAME` from tracefs at `root`.
pub fn read_in(root: &Path, spec: &str) -> Result<Format> {
    let (cat, name) = split(spec)?;
    let path = root.join("events").join(cat).join(name).join("format");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(spec, &text),
        Err(e) => {
            let hint = if root.join("events").join(cat).is_dir() {
                format!("category `{cat}` has no event `{name}`")
            } else {
                format!("there is no category `{cat}`")
            };
            bail!(
                "no tracepoint {spec}: {hint} (cannot read {}: {e})",
                path.display()
            )
        }
    }
}

/// Reads the format of tracepoint `CATEGORY:NAME`.
pub fn read(spec: &str) -> Result<Format> {
    split(spec)?;
    let Some(root) = root() else {
        bail!(
            "--tracepoint {spec}: tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)"
        );
    };
    read_in(&root, spec)
}

/// `CATEGORY:NAME` of the event called `name` (what a perf-event link reports), if one
/// category has it.
pub fn category_of(name: &str) -> Option<String> {
    let root = root()?;
    let rd = std::fs::read_dir(root.join("events")).ok()?;
    rd.flatten()
        .find(|e| e.path().join(name).join("format").is_file())
        .map(|e| format!("{}:{name}", e.file_name().to_string_lossy()))
}

/// The number of u64 arguments raw tracepoint `name` passes, read from the kernel's BTF
/// (/sys/kernel/btf/vmlinux): an error naming the tracepoint if there is none, or if it has
/// more arguments than a record holds.
pub fn raw_tp_nargs(name: &str) -> Result<u32> {
    let path = "/sys/kernel/btf/vmlinux";
    if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        bail!(
            "--raw-tracepoint {name:?}: a tracepoint name is letters, digits and '_' (e.g. sys_enter)"
        );
    }
    let btf = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!(
            "--raw-tracepoint {name}: cannot read {path} ({e}): raw tracepoint hooks need a \
             kernel with CONFIG_DEBUG_INFO_BTF"
        )
    })?;
    let n = crate::mapcheck::raw_tp_nargs(&btf, name)
        .map_err(|e| anyhow::anyhow!("--raw-tracepoint {name}: {path}: {e}"))?;
    let Some(n) = n else {
        bail!(
            "--raw-tracepoint {name}: the kernel has no tracepoint `{name}` (no btf_trace_{name} \
             in {path}; raw tracepoint names have no category: sys_enter, sched_switch, ...)"
        );
    };
    if n.saturating_mul(8) > MAX_TP_RECORD {
        bail!("--raw-tracepoint {name}: {n} arguments are more than a record holds");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXEC: &str = "name: sched_process_exec
ID: 300
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;

print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid
";

    #[test]
    fn parses_a_format_and_sizes_the_copy() {
        let f = parse("sched:sched_process_exec", EXEC).unwrap();
        assert_eq!(f.fields.len(), 7);
        assert_eq!(f.fields[4].decl, "__data_loc char[] filename");
        assert!(f.fields[4].is_data_loc());
        assert_eq!(f.fixed_size(), 20);
        assert_eq!(f.copy_len(), 20 + DATA_LOC_TAIL);
        assert!(f.layout().contains("offset  12 size  4  pid_t pid"));
        let no_loc: String = EXEC
            .lines()
            .filter(|l| !l.contains("__data_loc"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(parse("x:y", &no_loc).unwrap().copy_len(), 20);
    }

    #[test]
    fn bad_specs_and_missing_tracepoints_are_named() {
        for bad in ["sched", ":x", "x:", "../x:y", "a:b/c", "a:b:c"] {
            assert!(split(bad).is_err(), "{bad}");
        }
        let dir = std::env::temp_dir().join(format!("wh-tracefs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("events/sched/sched_process_exec")).unwrap();
        std::fs::write(dir.join("events/sched/sched_process_exec/format"), EXEC).unwrap();
        assert!(read_in(&dir, "sched:sched_process_exec").is_ok());
        let e = read_in(&dir, "sched:nope").unwrap_err().to_string();
        assert!(
            e.contains("no tracepoint sched:nope") && e.contains("no event `nope`"),
            "{e}"
        );
        let e = read_in(&dir, "nocat:x").unwrap_err().to_string();
        assert!(e.contains("no category `nocat`"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
