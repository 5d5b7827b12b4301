#pragma once

#include <stdexcept>
#include <string>

namespace leakdemo {

// A runtime failure with a message fit for one line on stderr. Caught in exactly one place (app.cpp).
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The reader of an output stream went away (EPIPE, e.g. `leakdemo | head`). Ends the run quietly.
class OutputClosed : public std::runtime_error {
  public:
    OutputClosed() : std::runtime_error("output closed") {}
};

}  // namespace leakdemo
