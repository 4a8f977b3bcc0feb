# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/kernel-lab: a private apt state that *downloads* (never installs) packages
# from newer Debian suites, and the checks behind `scripts/kernel-lab --check-sources`.
# Expects log(), die(), APT_PKGS, BINDGEN_VER and LIBCLANG_VER from the caller.

# The suites the private state reads. trixie-backports carries linux-source-7.3 and rust-src
# builds for several rustc versions side by side; trixie is there for their dependencies' names.
PRIVATE_SUITES=(trixie trixie-backports)
CANONICAL_MIRROR=http://deb.debian.org/debian

# debian_mirrors: the Debian archive URIs the system's own apt sources use for its main archive,
# one per line, in the order they are configured, then the canonical name. Parses deb822
# (`URIs:` of `Types: deb` stanzas, `Enabled: no` skipped) and one-line `deb` entries; comments
# are ignored. Security and snapshot archives are left out: they carry no backports.
debian_mirrors() {
    local f
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [[ -f $f ]] || continue
            awk '
                function flush() {
                    if (types ~ /(^| )deb( |$)/ && enabled != "no")
                        for (i = 1; i <= n; i++) print uris[i]
                    types = ""; enabled = ""; n = 0
                }
                /^[ \t]*#/ { next }
                /^[ \t]*$/ { flush(); next }
                tolower($1) == "types:" { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; types = types " " }
                tolower($1) == "enabled:" { enabled = tolower($2) }
                tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris[++n] = $i }
                END { flush() }
            ' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -f $f ]] || continue
            # deb [options] URI suite components...
            sed -E 's/#.*//; s/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2 }'
        done
    } | sed 's:/*$::' | grep -E '^https?://[^/]+/(.*/)?debian$' | grep -v -E 'snapshot\.debian\.org|debian-security' || true
    echo "$CANONICAL_MIRROR"
}

apt_private() { # apt_private DIR apt-get-args...
    local d=$1; shift
    apt-get -o Dir::State::Lists="$d/lists" -o Dir::Etc::SourceList="$d/sources.list" \
        -o Dir::Etc::SourceParts=/nonexistent -o Dir::Cache="$d/cache" \
        -o Dir::State::status=/dev/null -o APT::Sandbox::User=root "$@"
}
apt_cache_private() {
    local d=$1; shift
    apt-cache -o Dir::State::Lists="$d/lists" -o Dir::Etc::SourceList="$d/sources.list" \
        -o Dir::Etc::SourceParts=/nonexistent -o Dir::Cache="$d/cache" \
        -o Dir::State::status=/dev/null "$@"
}

# apt_private_setup DIR: write DIR/sources.list for the first mirror whose private `apt-get
# update` succeeds for every suite, and refresh the lists. Dies naming each host and suite that
# failed, with apt's own error lines.
apt_private_setup() {
    local d=$1 mirror out errors="" suite
    mkdir -p "$d"/lists/partial "$d"/cache/archives/partial
    local -A tried=()
    while read -r mirror; do
        [[ -n $mirror && -z ${tried[$mirror]:-} ]] || continue
        tried[$mirror]=1
        : >"$d/sources.list"
        for suite in "${PRIVATE_SUITES[@]}"; do
            echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >>"$d/sources.list"
        done
        log "apt update, private lists: ${PRIVATE_SUITES[*]} from $mirror"
        if out=$(apt_private "$d" update -q --error-on=any 2>&1); then
            echo "$mirror" >"$d/mirror"
            return 0
        fi
        errors+=$'\n'"  $mirror (suites ${PRIVATE_SUITES[*]}):"$'\n'"$(grep -E '^(E|W|Err):' <<<"$out" | head -n6 | sed 's/^/    /')"
        log "apt update from $mirror failed; trying the next mirror"
    done < <(if [[ -n ${WASMHOOK_DEBIAN_MIRROR:-} ]]; then echo "$WASMHOOK_DEBIAN_MIRROR"; else debian_mirrors; fi)
    die "no Debian mirror served ${PRIVATE_SUITES[*]} (set WASMHOOK_DEBIAN_MIRROR=http://HOST/debian to pick one):$errors"
}

# resolve_version DIR PACKAGE PINNED PREFIX: print the version to download. The pinned version
# if the archive still has it; otherwise the newest version starting with PREFIX (same kernel
# series is implied by the package name linux-source-7.3; rust-src must start with the rustc
# version), said in one log line. Fails saying what is missing and how to get it.
resolve_version() {
    local d=$1 pkg=$2 pinned=$3 prefix=$4 v best="" all
    all=$(apt_cache_private "$d" madison "$pkg" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -u)
    if grep -qxF -- "$pinned" <<<"$all"; then
        echo "$pinned"
        return 0
    fi
    while read -r v; do
        [[ -n $v && $v == "$prefix"* ]] || continue
        if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
    done <<<"$all"
    if [[ -n $best ]]; then
        log "$pkg=$pinned is no longer in the archive ($(cat "$d/mirror" 2>/dev/null)); using $pkg=$best instead"
        echo "$best"
        return 0
    fi
    log "error: no $pkg${prefix:+ $prefix*} in ${PRIVATE_SUITES[*]} at $(cat "$d/mirror" 2>/dev/null); the archive has: ${all//$'\n'/ }"
    if [[ $pkg == rust-src ]]; then
        log "  rustc is $RUSTC_VER and the kernel needs its exact library source: put rust-src_${pinned}_all.deb" \
            "(snapshot.debian.org) into $CACHE/apt/debs/ and re-run, or use a rustc the archive has rust-src for"
    else
        log "  put ${pkg}_${pinned}_all.deb (snapshot.debian.org) into $CACHE/apt/debs/ and re-run"
    fi
    return 1
}

# check_other_sources: the rest of what a cold lab takes, resolved without installing anything:
# the bookworm packages (an install candidate each), the libclang wheel on PyPI and bindgen-cli
# on crates.io.
check_other_sources() {
    local p cand missing=() pypi idx
    for p in "${APT_PKGS[@]}"; do
        cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
        [[ -n $cand && $cand != "(none)" ]] || missing+=("$p")
    done
    ((${#missing[@]} == 0)) ||
        die "the system's apt sources have no install candidate for: ${missing[*]} (apt-get update, then apt-cache policy ${missing[0]})"
    log "would install from the system's suites if missing: ${#APT_PKGS[@]} packages, all have candidates"

    pypi=$(python3 -m pip config get global.index-url 2>/dev/null || true)
    pypi=${pypi:-https://pypi.org/simple}
    idx=$(curl -fsSL --max-time 60 "${pypi%/}/libclang/" 2>&1) ||
        die "cannot read the libclang index on PyPI (${pypi%/}/libclang/): $idx"
    grep -qE "libclang-$LIBCLANG_VER-[^\"]*manylinux[^\"]*x86_64\.whl" <<<"$idx" ||
        die "PyPI has no libclang $LIBCLANG_VER manylinux x86_64 wheel (${pypi%/}/libclang/)"
    log "would take libclang $LIBCLANG_VER (manylinux x86_64 wheel) from ${pypi%/}/libclang/"

    idx=$(curl -fsSL --max-time 60 https://index.crates.io/bi/nd/bindgen-cli 2>&1) ||
        die "cannot read bindgen-cli from the crates.io index: $idx"
    grep -qE "\"vers\": *\"$BINDGEN_VER\"" <<<"$idx" || die "crates.io has no bindgen-cli $BINDGEN_VER"
    log "would build bindgen-cli $BINDGEN_VER from crates.io"
}
