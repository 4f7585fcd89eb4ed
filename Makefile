# The README's commands. Each installs what is missing first (Debian 12 / Ubuntu 22.04+;
# as root, or through sudo for a normal user), so nothing else is needed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages: build (WebKitGTK; libdbus, which the app links from the system); tests (X server, D-Bus, gnome-keyring, secret-tool,
# xwininfo, the WebKit WebDriver, the reference argon2 and pyotp for independent checks, a
# Korean font for the Korean screens, OpenLDAP's slapd and tools with openssl for the
# directory tests' own server and test CA); installers (rpm for .rpm, lintian to check the .deb).
APT_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libdbus-1-dev libsqlite3-dev \
	xvfb x11-utils dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver \
	python3-argon2 python3-pyotp fonts-nanum slapd ldap-utils openssl rpm lintian file
TAURI_CLI := npx --yes @tauri-apps/cli@2.12.5
TAURI_DRIVER_VERSION := 2.1.0
# The accessibility audit of the end-to-end tests (injected into the window over WebDriver).
AXE_VERSION := 4.14.1
ESBUILD_VERSION := 0.24.2
ESBUILD := target/e2e-tools/node_modules/.bin/esbuild
# Every screen's page module, bundled by esbuild into one file each (one request at start-up
# instead of six): src-tauri/plugin/screens/dist/, committed, so that the crate and a plain
# cargo build need no Node. `make screens` after changing a screen's JavaScript; a test
# fails when the bundles are stale.
SCREEN_PAGES := admin change-password home index lock login note profile recover signup two-step
SCREENS_OUT ?= src-tauri/plugin/screens/dist
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: help deps run test lint bundle package-check bench screens bundle-screens clean

help:
	@echo "make run     install what is missing, build, and launch Latchkey"
	@echo "make test    install what is missing, then run every test and lint"
	@echo "make bundle  build the .deb and .rpm installers into target/release/bundle/"
	@echo "make package-check  lintian, install, launch and uninstall the .deb (needs root or sudo)"
	@echo "make bench   run the benchmarks (see benches/README.md)"
	@echo "make screens  bundle the screens' page modules (after changing their JavaScript)"

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		$(SUDO) apt-get update -qq && \
		{ $(SUDO) apt-get install -y -qq --no-install-recommends $$missing || $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; }; \
	fi
	@command -v npx >/dev/null || { echo "Installing Node.js (for the Tauri CLI)"; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	@[ -f target/e2e-tools/node_modules/axe-core/axe.min.js ] && [ -x $(ESBUILD) ] || { echo "Installing axe-core $(AXE_VERSION) (the accessibility audit) and esbuild $(ESBUILD_VERSION) (the screens' bundles)"; \
		mkdir -p target/e2e-tools && cd target/e2e-tools && npm install --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) esbuild@$(ESBUILD_VERSION); }
	@command -v cargo >/dev/null || { echo "Rust is needed: install it with rustup (https://rustup.rs), then run make again."; exit 1; }
	@if ! command -v tauri-driver >/dev/null && [ ! -x "$${CARGO_HOME:-$$HOME/.cargo}/bin/tauri-driver" ]; then \
		echo "Installing tauri-driver $(TAURI_DRIVER_VERSION) from crates.io"; \
		cargo install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked; \
	fi

run: deps
	cargo run --release

test: deps lint
	cargo build -p latchkey-example-tally
	cargo test --workspace --all-targets --no-fail-fast
	cargo test --workspace --doc

# Formatting, lints and docs of every crate, the engine's independence from Tauri, and the
# two library crates packaged as crates.io would take them (a dry run: nothing is uploaded).
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
	cargo package --no-verify --allow-dirty --quiet -p latchkey-engine -p tauri-plugin-latchkey
	@if cargo tree -p latchkey-engine -e normal,build --prefix none | grep -E '^(tauri|wry|tao)'; then \
		echo "latchkey-engine must not depend on Tauri"; exit 1; fi

bundle: deps
	rm -rf target/release/bundle/deb target/release/bundle/rpm
	$(TAURI_CLI) build --bundles deb,rpm
	@# Debian names packages in lower case: exactly one latchkey_<version>_<arch>.deb
	@cd target/release/bundle/deb && for f in Latchkey_*.deb; do mv -f "$$f" "latchkey_$${f#Latchkey_}"; done
	@ls -l target/release/bundle/deb/latchkey_*.deb target/release/bundle/rpm/*.rpm

package-check: bundle
	.ci/package-check.sh

# The start-up benchmark compares Latchkey with the empty Tauri app of benches/empty-app,
# built first with the same release profile; the goals of every benchmark are printed last.
bench: deps
	cargo build --release -p latchkey-empty-app
	rm -f target/bench-summary/goals-*.txt
	cargo bench
	@echo; echo "Goals (each against a floor measured in the same run):"; cat target/bench-summary/goals-*.txt

screens: deps bundle-screens

bundle-screens:
	$(ESBUILD) $(SCREEN_PAGES:%=src-tauri/plugin/screens/%.js) --bundle --format=esm --minify \
		--target=safari16 --outdir=$(SCREENS_OUT) --log-level=warning

clean:
	cargo clean
