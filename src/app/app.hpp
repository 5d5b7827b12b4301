#pragma once

namespace leakdemo {

// The whole program; main() only calls this. Returns the process exit code.
int leakdemo_main(int argc, char** argv);

}  // namespace leakdemo
