#include "app/app.hpp"
int main(int argc, char** argv) {
    return leakdemo::leakdemo_main(argc, argv);
}
