#!/usr/bin/env python3
"""A stand-in for valgrind in tests/e2e/test_check.py (LEAKDEMO_VALGRIND / --valgrind): runs the program as
valgrind would, then writes a memcheck XML report that says what FAKE_VALGRIND asks:
  lie      one block of FAKE_LOST_BYTES (default 1) definitely lost, whatever the program did
  crash    kill itself with SIGSEGV after the program ran, writing no report
  hang     sleep for an hour (check's --timeout must end it)
  garbage  write a report that is not XML"""
import os
import signal
import subprocess
import sys
import time

args = sys.argv[1:]
xml_file = next(arg.split("=", 1)[1] for arg in args if arg.startswith("--xml-file="))
program = next(index for index, arg in enumerate(args) if not arg.startswith("--"))
behaviour = os.environ.get("FAKE_VALGRIND", "lie")
if behaviour == "hang":
    with open(os.environ["FAKE_VALGRIND_PID_FILE"], "w", encoding="utf-8") as pid_file:
        pid_file.write(str(os.getpid()))
    time.sleep(3600)
result = subprocess.run(args[program:], check=False)
if behaviour == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
lost = int(os.environ.get("FAKE_LOST_BYTES", "1"))
with open(xml_file, "w", encoding="utf-8") as report:
    if behaviour == "garbage":
        report.write("this is not valgrind\n")
    else:
        report.write(f"""<?xml version="1.0"?>
<valgrindoutput>
<protocolversion>4</protocolversion>
<protocoltool>memcheck</protocoltool>
<status><state>RUNNING</state></status>
<status><state>FINISHED</state></status>
<error><unique>0x0</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind>
<xwhat><text>{lost:,} bytes in 1 blocks are definitely lost</text>
<leakedbytes>{lost}</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>
</valgrindoutput>
""")
sys.exit(result.returncode)
