# Images for the sbom tests, built once and cached (a library: source it after tests/lib.sh).
#
#   sbom_image NAME   builds (or finds) NAME and sets SBOM_DIR to its cache folder; returns 1
#                     (reason in SBOM_WHY) when it cannot be built here (no network, no tool).
#
# Cache: ${LS_SBOM_CACHE:-/var/tmp/layerscope-sbom-cache}/KEY/NAME, KEY a hash of this file and
# sbom_mkimage.py, so an edit rebuilds; a flock serialises builders. Each NAME folder keeps the
# image(s) and what the oracle needs (dpkg admin dirs, rpm roots, npm trees, Go binaries).

SBOM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SBOM_CACHE=${LS_SBOM_CACHE:-/var/tmp/layerscope-sbom-cache}
SBOM_DIR=
SBOM_WHY=

sbom_key() { cat "$SBOM_HERE/sbom_images.sh" "$SBOM_HERE/sbom_mkimage.py" | sha256sum | cut -c1-16; }

sbom_apt() { # sbom_apt PKG...: install Debian packages the builders need
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }
}

# debian: debootstrap minbase (one layer); debian-apt: the same plus a RUN apt-get layer.
sbom_build_debian() {
	local out=$1
	sbom_apt debootstrap || return 1
	[ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root"; return 1; }
	debootstrap --variant=minbase bookworm "$out/root1" http://deb.debian.org/debian || return 1
	cp -a "$out/root1" "$out/root2"
	mount -t proc proc "$out/root2/proc" 2>/dev/null || true
	chroot "$out/root2" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq python3-six' </dev/null
	local rc=$?
	umount "$out/root2/proc" 2>/dev/null || true
	[ $rc -eq 0 ] || return 1
	rm -rf "$out/root2/var/cache/apt/archives/"*.deb "$out/root2/var/lib/apt/lists/"*_Packages
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/debian.tar" "#(nop) debootstrap --variant=minbase bookworm" "$out/root1" || return 1
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/debian-apt.tar" "#(nop) debootstrap --variant=minbase bookworm" "$out/root1" \
		"apt-get install -y jq python3-six" "$out/root2" || return 1
	mkdir -p "$out/admin1" "$out/admin2"
	cp -a "$out/root1/var/lib/dpkg" "$out/admin1/"
	cp -a "$out/root2/var/lib/dpkg" "$out/admin2/"
	rm -rf "$out/root1" "$out/root2"
}

# A module-mode program in DIR whose vendored dependencies declare old versions with known
# advisories in the Go vulndb (one a pseudo-version). `-mod=vendor` records the versions
# vendor/modules.txt names without the network; the packages are stand-ins, not the real code.
sbom_go_vendored() {
	local dir=$1 m mod ver pkg imports="" calls=""
	mkdir -p "$dir/vendor"
	printf 'module example.com/vendored\n\ngo 1.19\n\nrequire (\n' >"$dir/go.mod"
	for m in golang.org/x/text:v0.3.5:language golang.org/x/net:v0.7.0:html \
		golang.org/x/crypto:v0.0.0-20200622213623-75b288015ac9:ssh; do
		IFS=: read -r mod ver pkg <<<"$m"
		printf '\t%s %s\n' "$mod" "$ver" >>"$dir/go.mod"
		printf '# %s %s\n## explicit; go 1.19\n%s/%s\n' "$mod" "$ver" "$mod" "$pkg" >>"$dir/vendor/modules.txt"
		mkdir -p "$dir/vendor/$mod/$pkg"
		printf 'package %s\n\nfunc Name() string { return "%s" }\n' "$pkg" "$mod" >"$dir/vendor/$mod/$pkg/$pkg.go"
		imports+="\t\"$mod/$pkg\"\n"
		calls+="\tfmt.Println($pkg.Name())\n"
	done
	printf ')\n' >>"$dir/go.mod"
	printf 'package main\n\nimport (\n\t"fmt"\n%b)\n\nfunc main() {\n%b}\n' "$imports" "$calls" >"$dir/main.go"
}

# go: Debian's Go programs (skopeo, buildah; built without module info) at usr/bin, and
# module-mode programs built here offline at usr/local/bin: hello (a required module replaced
# by a local copy; amd64 and 386) and vendored (old vulnerable dependencies, sbom_go_vendored).
sbom_build_go() {
	local out=$1 src=$1/src
	sbom_apt skopeo buildah golang-go || return 1
	mkdir -p "$out/root/usr/bin" "$out/root/usr/local/bin" "$src/dep"
	cp /usr/bin/skopeo /usr/bin/buildah "$out/root/usr/bin/" || return 1
	printf 'module example.com/greet\n\ngo 1.19\n' >"$src/dep/go.mod"
	printf 'package greet\n\nfunc Hello() string { return "hello" }\n' >"$src/dep/greet.go"
	printf 'module example.com/hello\n\ngo 1.19\n\nrequire example.com/greet v1.2.3\n\nreplace example.com/greet v1.2.3 => ./dep\n' >"$src/go.mod"
	printf 'package main\n\nimport (\n\t"fmt"\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n' >"$src/main.go"
	( cd "$src" && export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$out/gocache" HOME="$out" &&
	  go build -buildvcs=false -o "$out/root/usr/local/bin/hello" . &&
	  GOARCH=386 go build -buildvcs=false -o "$out/root/usr/local/bin/hello-386" . ) || return 1
	sbom_go_vendored "$out/vsrc"
	( cd "$out/vsrc" && export GOFLAGS=-mod=vendor GOPROXY=off GOCACHE="$out/gocache" HOME="$out" &&
	  go build -buildvcs=false -o "$out/root/usr/local/bin/vendored" . ) || return 1
	rm -rf "$out/gocache"
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/go.tar" "COPY skopeo buildah hello /usr/bin/" "$out/root"
}

# npm: real packages from the npm registry under app/node_modules, plus the lock file.
sbom_build_npm() {
	local out=$1
	command -v npm >/dev/null || sbom_apt npm || return 1
	mkdir -p "$out/root/app"
	( cd "$out/root/app" && npm init -y >/dev/null &&
	  npm install --no-audit --no-fund --loglevel=error debug@4.3.4 semver@7.5.4 chalk@4.1.2 \
		@types/node@20.11.0 minimist@1.2.8 >/dev/null &&
	  npm ls --all --json >"$out/npm-ls.json" ) || return 1
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/npm.tar" "RUN npm install" "$out/root"
}

# rpm: tiny packages built with rpmbuild, installed with --justdb into sqlite (and ndb when
# this rpm has it) rpmdbs; a Berkeley DB copy made with db_load.
sbom_build_rpm() {
	local out=$1 top=$1/rpmbuild
	sbom_apt rpm || return 1
	mkdir -p "$top/SPECS" "$top/BUILD"
	local n name ver rel epoch lic
	for n in alpha:1.0:1:: beta:2.3.4:5.el9:2:GPL-2.0-or-later gamma:0.1:0.rc1:1:MIT delta:7:1::MIT; do
		IFS=: read -r name ver rel epoch lic <<<"$n"
		{
			echo "Name: $name"; echo "Version: $ver"; echo "Release: $rel"
			[ -n "$epoch" ] && echo "Epoch: $epoch"
			echo "License: ${lic:-ASL 2.0}"; echo "Summary: test package $name"; echo "BuildArch: noarch"
			echo "%description"; echo "A tiny test package."
			# delta's header outgrows a Berkeley DB page: stored on overflow pages
			[ "$name" = delta ] && for _ in $(seq 150); do echo "A long description line to make the header big."; done
			echo "%install"; echo "mkdir -p %{buildroot}/usr/share/$name"; echo "echo $name > %{buildroot}/usr/share/$name/README"
			echo "%files"; echo "/usr/share/$name/README"
		} >"$top/SPECS/$name.spec"
		rpmbuild --quiet --define "_topdir $top" -bb "$top/SPECS/$name.spec" || return 1
	done
	local backend
	for backend in sqlite ndb; do
		local root=$out/$backend
		mkdir -p "$root"
		# Debian's rpm is built without NDB: that backend is then only in the unit tests.
		if ! rpm --root "$root" --define "_db_backend $backend" --define "_dbpath /var/lib/rpm" --initdb 2>"$out/$backend.err" ||
			grep -q 'invalid %_db_backend' "$out/$backend.err"; then
			[ $backend = sqlite ] && return 1
			touch "$out/$backend.unsupported"
			continue
		fi
		rpm --root "$root" --define "_db_backend $backend" --define "_dbpath /var/lib/rpm" -i --nodeps --justdb "$top"/RPMS/noarch/*.rpm || return 1
		rpm --root "$root" --define "_db_backend $backend" --define "_dbpath /var/lib/rpm" -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{SOURCERPM}\n' |
			sort >"$out/$backend.expected" || return 1
		python3 "$SBOM_HERE/sbom_mkimage.py" "$out/rpm-$backend.tar" "RUN rpm -i --justdb" "$root" || return 1
	done
	# WAL: rows changed by SQLite itself with the log left unchecked-pointed (the writer
	# exits without closing), as a crashed or still-running rpm leaves it; the image is made
	# before rpm -qa (the oracle) reads, and may checkpoint, the log.
	mkdir -p "$out/wal/var/lib/rpm"
	cp "$out/sqlite/var/lib/rpm/rpmdb.sqlite" "$out/wal/var/lib/rpm/" || return 1
	python3 - "$out/wal/var/lib/rpm/rpmdb.sqlite" <<'PY' || return 1
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
rows = {bytes(b)[8:]: h for h, b in db.execute("SELECT hnum, blob FROM Packages")}
gamma = [h for h, b in db.execute("SELECT hnum, blob FROM Packages") if b"gamma" in bytes(b)][0]
delta = [b for h, b in db.execute("SELECT hnum, blob FROM Packages") if b"delta" in bytes(b)][0]
db.execute("DELETE FROM Packages WHERE hnum = ?", (gamma,))
db.execute("INSERT INTO Packages (hnum, blob) VALUES (100, ?)", (delta,))
sys.stdout.flush()
os._exit(0)
PY
	[ -s "$out/wal/var/lib/rpm/rpmdb.sqlite-wal" ] || return 1
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/rpm-wal.tar" "RUN rpm -e gamma (not checkpointed)" "$out/wal" || return 1
	rpm --root "$out/wal" --define "_db_backend sqlite" --define "_dbpath /var/lib/rpm" -qa \
		--qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{SOURCERPM}\n' | sort >"$out/wal.expected" || return 1
	# Berkeley DB (RHEL <= 8): rpm 4.18 only reads it (bdb_ro), so the same header blobs are
	# written into a hash database by db_load (Berkeley DB's own tool), and rpm -qa reading
	# that file is the oracle.
	if ! sbom_apt db5.3-util || ! command -v db5.3_load >/dev/null; then
		touch "$out/bdb.unsupported"
		return 0
	fi
	mkdir -p "$out/bdb/var/lib/rpm"
	python3 - "$out/sqlite/var/lib/rpm/rpmdb.sqlite" "$out/bdb.dump" <<'PY' || return 1
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END\n")
    f.write(" " + struct.pack("<I", 0).hex() + "\n " + struct.pack("<I", 99).hex() + "\n")
    for hnum, blob in db.execute("SELECT hnum, blob FROM Packages"):
        f.write(" " + struct.pack("<I", hnum).hex() + "\n " + bytes(blob).hex() + "\n")
    f.write("DATA=END\n")
PY
	db5.3_load -f "$out/bdb.dump" "$out/bdb/var/lib/rpm/Packages" || return 1
	rpm --root "$out/bdb" --define "_db_backend bdb_ro" --define "_dbpath /var/lib/rpm" -qa \
		--qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{SOURCERPM}\n' 2>/dev/null | sort >"$out/bdb.expected"
	[ -s "$out/bdb.expected" ] || return 1
	python3 "$SBOM_HERE/sbom_mkimage.py" "$out/rpm-bdb.tar" "RUN rpm -i --justdb (bdb)" "$out/bdb"
}

# tools: JSON-schema validation from the npm registry: ajv (+ formats), the CycloneDX schemas
# as @cyclonedx/cyclonedx-library ships them (res/schema/), and spdx-expression-parse.
sbom_build_tools() {
	local out=$1
	command -v npm >/dev/null || sbom_apt npm || return 1
	( cd "$out" && npm init -y >/dev/null &&
	  npm install --no-audit --no-fund --loglevel=error ajv@8 ajv-formats@3 \
		@cyclonedx/cyclonedx-library@6 spdx-expression-parse@4 >/dev/null ) || return 1
	[ -f "$out/node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.5.SNAPSHOT.schema.json" ]
}

sbom_image() {
	local name=$1 key dir
	key=$(sbom_key)
	dir=$SBOM_CACHE/$key
	mkdir -p "$dir" || { SBOM_WHY="cannot create $dir"; return 1; }
	(
		flock 9
		if [ ! -f "$dir/$name.done" ]; then
			rm -rf "${dir:?}/$name"
			mkdir -p "$dir/$name"
			if "sbom_build_$name" "$dir/$name" >"$dir/$name.log" 2>&1; then
				touch "$dir/$name.done"
			fi
		fi
		# Other keys are stale: remove them (their builders are not running, we hold the lock).
		for old in "$SBOM_CACHE"/*/; do
			[ "${old%/}" = "$dir" ] || rm -rf "${old%/}"
		done
	) 9>"$SBOM_CACHE/.lock"
	SBOM_DIR=$dir/$name
	if [ ! -f "$dir/$name.done" ]; then
		SBOM_WHY="could not build the $name image (see $dir/$name.log): $(tail -1 "$dir/$name.log" 2>/dev/null)"
		return 1
	fi
}
