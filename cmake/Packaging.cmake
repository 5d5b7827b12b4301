# Installing and packaging: `cmake --install <build> --prefix P` and `cpack` (make package -> a .deb).
# Installed: the program, its man page (doc/), README and LICENSE, and the article's C source as an example.
# Not installed: the unit and end-to-end tests, benchmarks, and the article_* binaries built from
# examples/memory_leaks.c (they are classroom build artefacts; the source is shipped for people to compile).
include(GNUInstallDirs)

# The one-line summary for the man page's NAME line and the package's synopsis, from project(DESCRIPTION):
# both conventionally start in lower case.
string(SUBSTRING "${PROJECT_DESCRIPTION}" 0 1 leakdemo_summary_first)
string(SUBSTRING "${PROJECT_DESCRIPTION}" 1 -1 leakdemo_summary_rest)
string(TOLOWER "${leakdemo_summary_first}" leakdemo_summary_first)
set(LEAKDEMO_SUMMARY "${leakdemo_summary_first}${leakdemo_summary_rest}")

install(TARGETS leakdemo RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/examples/memory_leaks.c" DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
add_subdirectory("${PROJECT_SOURCE_DIR}/doc" "${PROJECT_BINARY_DIR}/doc")

# CPack. The version is project(VERSION), like --version and the man page header.
set(LEAKDEMO_PACKAGE_MAINTAINER "The leakdemo authors <leakdemo@example.org>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "The leakdemo authors")
set(CPACK_PACKAGE_CONTACT "${LEAKDEMO_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${LEAKDEMO_SUMMARY}")
# The extended description, in lines under 80 columns as Debian's control files want.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "leakdemo is the classic teaching program - a loop that mallocs a 4,096,000-byte"
  "block, memsets it so the kernel commits the pages and prints ru_maxrss, once"
  "with free() and once without - grown into a measured, scriptable tool."
  "It shows current RSS next to ru_maxrss (a high-water mark), page faults and the"
  "allocator's heap as a table, CSV or JSON Lines, and ends with a verdict:"
  "leaking or stable.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
set(CPACK_CUSTOM_INSTALL_VARIABLES "LEAKDEMO_GZIP_MAN_PAGES=TRUE")
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "__pycache__")

find_program(LEAKDEMO_DPKG dpkg)
if(LEAKDEMO_DPKG)
  set(CPACK_GENERATOR DEB)
else()
  set(CPACK_GENERATOR TGZ)
endif()
# leakdemo_<version>_<arch>.deb, the architecture from `dpkg --print-architecture`.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LEAKDEMO_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends is computed by dpkg-shlibdeps (dpkg-dev) from the libraries the binary really links: libc6,
# libstdc++6, libgcc-s1 and the fmt runtime (libfmt9 on Debian 12), with the minimum versions it needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

include(CPack)
