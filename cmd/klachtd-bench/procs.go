package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procStatus reads a kB field (VmRSS, VmHWM) of /proc/PID/status, in bytes.
func procStatus(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, field+":") {
			fs := strings.Fields(line[len(field)+1:])
			if len(fs) > 0 {
				v, _ := strconv.ParseInt(fs[0], 10, 64)
				return v * 1024
			}
		}
	}
	return 0
}

// clkTck is USER_HZ; Linux reports 100 on every architecture Go supports.
const clkTck = 100

// procCPU is the user and system CPU time a process used so far.
func procCPU(pid int) (user, sys time.Duration) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0
	}
	fs := strings.Fields(s[i+1:])
	// After ")": state(0) ppid(1) ... utime is field 14 of stat, index 11 here.
	if len(fs) < 13 {
		return 0, 0
	}
	u, _ := strconv.ParseInt(fs[11], 10, 64)
	st, _ := strconv.ParseInt(fs[12], 10, 64)
	return time.Duration(u) * time.Second / clkTck, time.Duration(st) * time.Second / clkTck
}

// groupCPU sums the CPU time of every process in process group pgid (the
// Dovecot master and its imap, auth and log children).
func groupCPU(pgid int) time.Duration {
	ents, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fs := strings.Fields(s[i+1:])
		if len(fs) < 13 {
			continue
		}
		// pgrp is field 5 of stat, index 2 here.
		if g, _ := strconv.Atoi(fs[2]); g != pgid {
			continue
		}
		u, st := procCPU(pid)
		total += u + st
	}
	return total
}

// loadavg is the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fs := strings.Fields(string(b))
	if len(fs) < 3 {
		return ""
	}
	return strings.Join(fs[:3], " ")
}
