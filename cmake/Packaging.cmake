# Installing and packaging: `cmake --install <build> --prefix P` and `cpack` (make package -> a .deb).
# Installed: the program, its man page (doc/), its bash, zsh and fish completions (cmake/Completions.cmake),
# README and LICENSE, the JSON Schema of its JSONL output (docs/schema/), and the article's C source as an
# example.
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
include(Completions)
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/examples/memory_leaks.c" DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
# The JSON Schema of every JSONL record (docs/schema/), for scripts that validate leakdemo's output.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/schema/" DESTINATION "${CMAKE_INSTALL_DOCDIR}/schema"
        FILES_MATCHING PATTERN "*.schema.json")
add_subdirectory("${PROJECT_SOURCE_DIR}/doc" "${PROJECT_BINARY_DIR}/doc")

# CPack. The version is project(VERSION), like --version and the man page header, plus a Debian revision.
# The Maintainer is a placeholder on purpose: whoever publishes a package sets their own name and address.
set(LEAKDEMO_PACKAGE_MAINTAINER "The leakdemo authors <leakdemo@example.org>"
    CACHE STRING "Maintainer field of the Debian package (and its changelog): \"Name <mail>\"")
# The Debian revision: a package built from the upstream tree is not a native Debian package, so it carries
# a changelog.Debian.gz and a version `<upstream>-<revision>` (lintian wants the two to go together).
set(LEAKDEMO_PACKAGE_REVISION 1 CACHE STRING "Debian revision of the package version (<version>-<revision>)")
set(LEAKDEMO_DEBIAN_VERSION "${PROJECT_VERSION}-${LEAKDEMO_PACKAGE_REVISION}")

# What only the .deb installs (Debian policy 12.5, 12.7), generated here from the one source of each fact:
#   copyright            machine-readable (DEP-5), from LICENSE: its copyright line and its text;
#   changelog.Debian.gz  one entry for this version, dated from LEAKDEMO_SOURCE_DATE_EPOCH, gzip -9n;
#   lintian overrides    cmake/deb/lintian-overrides, each with a comment saying why.
file(STRINGS "${PROJECT_SOURCE_DIR}/LICENSE" leakdemo_license_lines)
set(leakdemo_copyright "")
set(leakdemo_license_text "")
foreach(line IN LISTS leakdemo_license_lines)
  if(line MATCHES "^Copyright \\(c\\) (.+)$")
    set(leakdemo_copyright "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^Permission is hereby granted" OR NOT leakdemo_license_text STREQUAL "")
    # DEP-5 continuation lines start with a space; an empty line is written " .".
    if(line STREQUAL "")
      set(line ".")
    endif()
    string(APPEND leakdemo_license_text " ${line}\n")
  endif()
endforeach()
if(leakdemo_copyright STREQUAL "" OR leakdemo_license_text STREQUAL "")
  message(FATAL_ERROR "LICENSE has no 'Copyright (c) ...' line or no 'Permission is hereby granted' text")
endif()
string(STRIP "${leakdemo_license_text}" leakdemo_license_text)
set(leakdemo_license_text " ${leakdemo_license_text}")
set(leakdemo_deb_dir "${PROJECT_BINARY_DIR}/deb")
configure_file("${PROJECT_SOURCE_DIR}/cmake/deb/copyright.in" "${leakdemo_deb_dir}/copyright" @ONLY)
# RFC 5322 date, as dpkg-parsechangelog wants; string(TIMESTAMP) reads SOURCE_DATE_EPOCH from the environment.
set(leakdemo_saved_epoch "$ENV{SOURCE_DATE_EPOCH}")
set(ENV{SOURCE_DATE_EPOCH} "${LEAKDEMO_SOURCE_DATE_EPOCH}")
string(TIMESTAMP leakdemo_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(ENV{SOURCE_DATE_EPOCH} "${leakdemo_saved_epoch}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/deb/changelog.Debian.in" "${leakdemo_deb_dir}/changelog.Debian" @ONLY)
# cpack sets LEAKDEMO_DEBIAN_PACKAGE (CPACK_CUSTOM_INSTALL_VARIABLES); `cmake --install` leaves these out.
install(CODE "set(leakdemo_deb_dir \"${leakdemo_deb_dir}\")
  set(leakdemo_deb_sources \"${PROJECT_SOURCE_DIR}/cmake/deb\")
  set(leakdemo_docdir \"${CMAKE_INSTALL_DOCDIR}\")
  set(leakdemo_datadir \"${CMAKE_INSTALL_DATADIR}\")")
install(CODE [[
  if(LEAKDEMO_DEBIAN_PACKAGE)
    foreach(dir IN ITEMS leakdemo_docdir leakdemo_datadir)
      if(NOT IS_ABSOLUTE "${${dir}}")
        set(${dir} "${CMAKE_INSTALL_PREFIX}/${${dir}}")
      endif()
    endforeach()
    set(leakdemo_file_permissions FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    file(INSTALL "${leakdemo_deb_dir}/copyright" "${leakdemo_deb_dir}/changelog.Debian"
         DESTINATION "${leakdemo_docdir}" ${leakdemo_file_permissions})
    execute_process(COMMAND gzip -9nf "$ENV{DESTDIR}${leakdemo_docdir}/changelog.Debian" COMMAND_ERROR_IS_FATAL ANY)
    # Every override says why in a comment above it (cmake/deb/lintian-overrides).
    file(INSTALL "${leakdemo_deb_sources}/lintian-overrides" DESTINATION "${leakdemo_datadir}/lintian/overrides"
         RENAME leakdemo ${leakdemo_file_permissions})
  endif()
]])

set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${LEAKDEMO_PACKAGE_REVISION}")
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
set(CPACK_CUSTOM_INSTALL_VARIABLES "LEAKDEMO_GZIP_MAN_PAGES=TRUE" "LEAKDEMO_DEBIAN_PACKAGE=TRUE")
# Directories 0755 and control files 0644/0755 (files: install()'s defaults, 0644/0755); CPack writes every
# entry as root:root. CPack creates directories with mkdir(0755), which the umask still narrows: the last
# install rule below sets them to 0755, so a umask of 077 cannot change the package.
set(leakdemo_directory_permissions
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${leakdemo_directory_permissions})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Reproducible: cpack takes SOURCE_DATE_EPOCH from this file when the caller did not export it.
configure_file("${PROJECT_SOURCE_DIR}/cmake/deb/cpack-project-config.cmake.in"
               "${leakdemo_deb_dir}/cpack-project-config.cmake" @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${leakdemo_deb_dir}/cpack-project-config.cmake")
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "__pycache__")

find_program(LEAKDEMO_DPKG dpkg)
if(LEAKDEMO_DPKG)
  set(CPACK_GENERATOR DEB)
else()
  set(CPACK_GENERATOR TGZ)
endif()
# leakdemo_<version>-<revision>_<arch>.deb, the architecture from `dpkg --print-architecture`.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LEAKDEMO_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends is computed by dpkg-shlibdeps (dpkg-dev) from the libraries the binary really links: libc6,
# libstdc++6, libgcc-s1 and the fmt runtime (libfmt9 on Debian 12), with the minimum versions it needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

# The last install rule (keep it last): in the package every directory is 0755, whatever the umask.
install(CODE [[
  if(LEAKDEMO_DEBIAN_PACKAGE)
    file(GLOB_RECURSE leakdemo_directories LIST_DIRECTORIES true "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/*")
    foreach(path IN ITEMS "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}" LISTS leakdemo_directories)
      if(IS_DIRECTORY "${path}" AND NOT IS_SYMLINK "${path}")
        file(CHMOD "${path}" DIRECTORY_PERMISSIONS
             OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
      endif()
    endforeach()
  endif()
]])

include(CPack)
