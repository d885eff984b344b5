// fakego stands in for an SDK's go.exe in gvx's wine tests (tests/windows). FAKEGO_MODE picks
// what it does:
//
//	(unset)    print each argument, Go-quoted, one per line
//	cmdline    print the raw command line after argv[0] (MSVC rules), Go-quoted
//	exit       exit with the code in FAKEGO_EXIT (0x… allowed, all 32 bits)
//	env        print the environment entries named Path or GOROOT (any case) and GVX_SHIM_DEPTH
//	sleep      write "<pid> <parent pid>" to FAKEGO_PIDFILE, then append a byte to FAKEGO_BEAT
//	           every 100 ms for 30 s
//	interrupt  write the pids like sleep, then exit 7 on Ctrl+C (9 if none comes within 30 s)
//	spawn      run os.Args[1:] with FAKEGO_MODE=$FAKEGO_CHILD_MODE, Path=$FAKEGO_PATH as the only
//	           Path-like variable and $FAKEGO_SET ("K=V") added; wait; exit with its code
//	detach     start os.Args[1:] like spawn, with NUL as std handles, and exit 0 at once
package main

import (
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	switch os.Getenv("FAKEGO_MODE") {
	case "cmdline":
		os.Stdout.WriteString(strconv.Quote(argumentsTail(commandLine())) + "\n")
	case "exit":
		code, err := strconv.ParseUint(os.Getenv("FAKEGO_EXIT"), 0, 32)
		if err != nil {
			fail("bad FAKEGO_EXIT")
		}
		os.Exit(int(code))
	case "env":
		for _, kv := range os.Environ() {
			key, _, _ := strings.Cut(kv, "=")
			if strings.EqualFold(key, "path") || strings.EqualFold(key, "goroot") || key == "GVX_SHIM_DEPTH" {
				os.Stdout.WriteString(kv + "\n")
			}
		}
	case "sleep":
		writePids()
		beat, err := os.OpenFile(os.Getenv("FAKEGO_BEAT"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			fail(err.Error())
		}
		for i := 0; i < 300; i++ {
			beat.Write([]byte("."))
			time.Sleep(100 * time.Millisecond)
		}
	case "interrupt":
		interrupted := make(chan os.Signal, 1)
		signal.Notify(interrupted, os.Interrupt)
		writePids()
		select {
		case <-interrupted:
			os.Exit(7)
		case <-time.After(30 * time.Second):
			os.Exit(9)
		}
	case "spawn":
		state, err := start([]*os.File{os.Stdin, os.Stdout, os.Stderr}).Wait()
		if err != nil {
			fail(err.Error())
		}
		os.Exit(state.ExitCode())
	case "detach":
		null, err := os.Open(os.DevNull)
		if err != nil {
			fail(err.Error())
		}
		start([]*os.File{null, null, null}).Release()
	default:
		for _, arg := range os.Args[1:] {
			os.Stdout.WriteString(strconv.Quote(arg) + "\n")
		}
	}
}

func start(files []*os.File) *os.Process {
	env := []string{"Path=" + os.Getenv("FAKEGO_PATH"), "FAKEGO_MODE=" + os.Getenv("FAKEGO_CHILD_MODE")}
	if set := os.Getenv("FAKEGO_SET"); set != "" {
		env = append(env, set)
	}
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if !strings.EqualFold(key, "path") && key != "FAKEGO_MODE" {
			env = append(env, kv)
		}
	}
	proc, err := os.StartProcess(os.Args[1], os.Args[1:], &os.ProcAttr{Env: env, Files: files})
	if err != nil {
		fail(err.Error())
	}
	return proc
}

// commandLine is GetCommandLineW, the command line exactly as this process received it.
func commandLine() string {
	p := syscall.GetCommandLine()
	n := 0
	for ptr := unsafe.Pointer(p); *(*uint16)(ptr) != 0; ptr = unsafe.Add(ptr, 2) {
		n++
	}
	return syscall.UTF16ToString(unsafe.Slice(p, n))
}

// argumentsTail drops argv[0] as the MSVC runtime reads it (up to a blank outside quotes) and
// the blanks after it.
func argumentsTail(line string) string {
	inQuotes := false
	i := 0
	for ; i < len(line); i++ {
		if line[i] == '"' {
			inQuotes = !inQuotes
		} else if !inQuotes && (line[i] == ' ' || line[i] == '\t') {
			break
		}
	}
	return strings.TrimLeft(line[i:], " \t")
}

func writePids() {
	pids := strconv.Itoa(os.Getpid()) + " " + strconv.Itoa(os.Getppid())
	if err := os.WriteFile(os.Getenv("FAKEGO_PIDFILE"), []byte(pids), 0o644); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	os.Stderr.WriteString("fakego: " + msg + "\n")
	os.Exit(100)
}
