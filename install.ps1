# Installs gvx on Windows (Windows PowerShell 5.1 or PowerShell 7):
#
#   powershell -ExecutionPolicy ByPass -c "irm https://github.com/gvx-dev/gvx/releases/latest/download/install.ps1 | iex"
#
# Downloads gvx-<x86_64|aarch64>-windows.zip and SHA256SUMS from <GVX_RELEASE_URL>/latest/download/
# (or download/v<GVX_INSTALL_VERSION>/), checks the zip's sha256 against its SHA256SUMS line
# (Get-FileHash) and that `gvx.exe --version` runs (and is GVX_INSTALL_VERSION when set), then
# puts gvx.exe and gvx-shim.exe into <GVX_HOME>\bin (GVX_HOME defaults to %USERPROFILE%\.gvx) and
# runs `gvx reshim` (creates the go.exe and gofmt.exe shims) and `gvx setup` (puts that directory
# first in your user PATH in the registry; `gvx setup --undo` takes it out). All PATH logic is gvx's.
#
# What it does NOT check: the minisign signature of SHA256SUMS (PowerShell has no Ed25519), so
# SHA256SUMS is trusted as it comes from the same place as the zip. To check the signature too,
# download SHA256SUMS, SHA256SUMS.minisig and the zip yourself, run
# `minisign -Vm SHA256SUMS -P <gvx's key, in README.md>` and compare the zip's hash, then install
# from the unpacked directory with GVX_INSTALL_FROM.
#
#   GVX_RELEASE_URL      a mirror of https://github.com/gvx-dev/gvx/releases (same layout)
#   GVX_INSTALL_VERSION  a release to install, e.g. 0.1.0 (default: the latest)
#   GVX_INSTALL_FROM     a directory holding gvx.exe and gvx-shim.exe: copied, nothing downloaded
#
# Everything is inside Install-Gvx, called on the last line, so a truncated download runs nothing.

function Install-Gvx {
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue' # Windows PowerShell's progress bar slows downloads down
    $gvxHome = if ($env:GVX_HOME) { $env:GVX_HOME } else { Join-Path $env:USERPROFILE '.gvx' }
    $bin = Join-Path $gvxHome 'bin'
    $work = Join-Path ([IO.Path]::GetTempPath()) "gvx-install-$([Guid]::NewGuid())"
    New-Item -ItemType Directory -Force -Path $work | Out-Null
    try {
        $version = "$env:GVX_INSTALL_VERSION".TrimStart('v')
        $from = $env:GVX_INSTALL_FROM
        if (-not $from) {
            [Net.ServicePointManager]::SecurityProtocol =
                [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
            # The OS's architecture, also from an x64 PowerShell emulated on arm64 (.NET 4.7.1+).
            $arch = $env:PROCESSOR_ARCHITECTURE
            try { $arch = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString() } catch { }
            $arch = switch -Regex ($arch) {
                '^(X64|AMD64)$' { 'x86_64' }
                '^ARM64$' { 'aarch64' }
                default { throw "no gvx release for Windows on $arch (only x86_64 and arm64)" }
            }
            $asset = "gvx-$arch-windows.zip"
            $base = if ($env:GVX_RELEASE_URL) { $env:GVX_RELEASE_URL.TrimEnd('/') } else { 'https://github.com/gvx-dev/gvx/releases' }
            $dir = if ($version) { "$base/download/v$version" } else { "$base/latest/download" }
            Write-Host "downloading $dir/$asset"
            $sums = Join-Path $work 'SHA256SUMS'
            Invoke-WebRequest -UseBasicParsing -Uri "$dir/SHA256SUMS" -OutFile $sums
            $lines = @(Get-Content -LiteralPath $sums | Where-Object { ($_ -split '\s+')[1] -in $asset, "*$asset" })
            if ($lines.Count -ne 1) { throw "$dir/SHA256SUMS has no single line for $asset; nothing was installed" }
            $expected = ($lines[0] -split '\s+')[0]
            if ($expected -notmatch '^[0-9a-fA-F]{64}$') { throw "'$expected' is not a sha256 (64 hex digits); nothing was installed" }
            $zip = Join-Path $work $asset
            Invoke-WebRequest -UseBasicParsing -Uri "$dir/$asset" -OutFile $zip
            $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash
            if ($actual -ne $expected) {
                throw "$dir/$asset does not match its sha256 in SHA256SUMS (expected $expected, got $actual); nothing was installed"
            }
            Write-Host "sha256 checked against SHA256SUMS (PowerShell cannot check its minisign signature; see the top of install.ps1)"
            $from = Join-Path $work 'unpacked'
            Expand-Archive -LiteralPath $zip -DestinationPath $from
        }
        foreach ($name in 'gvx-shim.exe', 'gvx.exe') {
            $source = Join-Path $from $name
            if (-not (Test-Path -LiteralPath $source -PathType Leaf)) { throw "$source is missing; nothing was installed" }
        }
        $found = & (Join-Path $from 'gvx.exe') --version
        if ($LASTEXITCODE -ne 0) { throw "$from\gvx.exe does not run on this machine; nothing was installed" }
        $found = "$found".Trim() -replace '^gvx ', ''
        if ($version -and $found -ne $version) { throw "asked for gvx $version, but $from\gvx.exe is $found; nothing was installed" }
        Write-Host "installing gvx $found"
        New-Item -ItemType Directory -Force -Path $bin | Out-Null
        foreach ($name in 'gvx-shim.exe', 'gvx.exe') {
            $temp = Join-Path $bin ".$name.install-$PID"
            Copy-Item -LiteralPath (Join-Path $from $name) -Destination $temp -Force
            Move-Item -LiteralPath $temp -Destination (Join-Path $bin $name) -Force
        }
        Write-Host "installed gvx.exe and gvx-shim.exe in $bin"
        $gvx = Join-Path $bin 'gvx.exe'
        & $gvx reshim
        if ($LASTEXITCODE -ne 0) { throw "gvx reshim failed (exit $LASTEXITCODE)" }
        & $gvx setup
        if ($LASTEXITCODE -ne 0) { throw "gvx setup failed (exit $LASTEXITCODE); run '$gvx setup' again once fixed" }
        Write-Host 'done. Open a new terminal, then run: gvx use latest'
    } finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Install-Gvx
