# Installs gvx on Windows (Windows PowerShell 5.1 or PowerShell 7):
#
#   powershell -ExecutionPolicy ByPass -c "irm https://github.com/gvx-dev/gvx/releases/latest/download/install.ps1 | iex"
#
# Puts gvx.exe and gvx-shim.exe into <GVX_HOME>\bin (GVX_HOME defaults to %USERPROFILE%\.gvx), then
# runs `gvx reshim` (creates the go.exe and gofmt.exe shims) and `gvx setup` (puts that directory
# first in your user PATH in the registry; `gvx setup --undo` takes it out). All PATH logic is gvx's.
#
#   GVX_INSTALL_FROM     a directory holding gvx.exe and gvx-shim.exe: copied, nothing downloaded
#   GVX_INSTALL_VERSION  a release to download, e.g. 0.1.0 (default: the latest)
#   GVX_INSTALL_URL      another zip holding gvx.exe and gvx-shim.exe at its root
#   GVX_INSTALL_SHA256   the zip's sha256 (default: the first word of <url>.sha256)
#
# Everything is inside Install-Gvx, called on the last line, so a truncated download runs nothing.

function Install-Gvx {
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue' # Windows PowerShell's progress bar slows downloads down
    $gvxHome = if ($env:GVX_HOME) { $env:GVX_HOME } else { Join-Path $env:USERPROFILE '.gvx' }
    $bin = Join-Path $gvxHome 'bin'
    $work = Join-Path ([IO.Path]::GetTempPath()) "gvx-install-$([Guid]::NewGuid())"
    New-Item -ItemType Directory -Force -Path $work, $bin | Out-Null
    try {
        $from = $env:GVX_INSTALL_FROM
        if (-not $from) {
            [Net.ServicePointManager]::SecurityProtocol =
                [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
            $release = if ($env:GVX_INSTALL_VERSION) { "download/v$env:GVX_INSTALL_VERSION" } else { 'latest/download' }
            $url = if ($env:GVX_INSTALL_URL) { $env:GVX_INSTALL_URL } else {
                "https://github.com/gvx-dev/gvx/releases/$release/gvx-x86_64-windows.zip"
            }
            $zip = Join-Path $work 'gvx.zip'
            Write-Host "downloading $url"
            Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $zip
            $expected = $env:GVX_INSTALL_SHA256
            if (-not $expected) {
                $sidecar = (Invoke-WebRequest -UseBasicParsing -Uri "$url.sha256").Content
                if ($sidecar -is [byte[]]) { $sidecar = [Text.Encoding]::ASCII.GetString($sidecar) }
                $expected = ("$sidecar".Trim() -split '\s+')[0]
            }
            if ($expected -notmatch '^[0-9a-fA-F]{64}$') { throw "'$expected' is not a sha256 (64 hex digits)" }
            $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash
            if ($actual -ne $expected) {
                throw "$url does not match its sha256 (expected $expected, got $actual); nothing was installed"
            }
            $from = Join-Path $work 'unpacked'
            Expand-Archive -LiteralPath $zip -DestinationPath $from
        }
        foreach ($name in 'gvx-shim.exe', 'gvx.exe') {
            $source = Join-Path $from $name
            if (-not (Test-Path -LiteralPath $source -PathType Leaf)) { throw "$source is missing" }
            $temp = Join-Path $bin ".$name.install-$PID"
            Copy-Item -LiteralPath $source -Destination $temp -Force
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
