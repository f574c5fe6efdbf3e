# The include half of the layer check (the link half is in CMakeLists.txt):
# every #include "dir/..." in src/ must name a layer the including file's
# layer may use. Run at build time by `make build`
# (cmake -DSRC=src -DOUT=stamp -P tools/check-layers.cmake); a violation
# fails the build with the file, the line and the rule broken.
#
# The layers, each with what it may include (besides itself):
#   core       core            db        core
#   mail       core db  (mail/worker.c also platform)
#   auth       core db mail    platform  core db auth mail
#   sheet      core
#   school     core db auth mail sheet timetable  (beside platform, never it)
#   http       core db auth mail platform school sheet
#   timetable  core            xhstt     core timetable
#   cli (src/*.c, src/cli/)    anything
# A new folder under src/ must be given its row here. Handlers
# (src/http/h_*.c) may hold no SQL text.
cmake_minimum_required(VERSION 3.18)
set(allow_core "core")
set(allow_db "core;db")
set(allow_mail "core;db;mail")
set(allow_auth "core;db;mail;auth")
set(allow_platform "core;db;mail;auth;platform")
set(allow_sheet "core;sheet")
set(allow_school "core;db;mail;auth;sheet;school;timetable")
set(allow_http "core;db;mail;auth;platform;sheet;school;http")
# The mail worker opens the platform's stores (its own library, bis_mail_worker).
set(mail_worker_files "mail/worker.c")
set(mail_worker_allowed "core;db;mail;platform")
set(allow_timetable "core;timetable")
set(allow_xhstt "core;timetable;xhstt")
set(allow_mail "core;db;auth;platform;school;mail")
# bis_base (util.c, csv.c and their headers) may include only itself.
set(base_files "core/util.c;core/util.h;core/csv.c;core/csv.h;core/ints.c;core/ints.h")
set(base_allowed "core/util.h;core/csv.h;core/ints.h;core/crypto.h;core/log.h")

file(GLOB_RECURSE files RELATIVE ${SRC} ${SRC}/*.c ${SRC}/*.h)
set(errors "")
foreach(f ${files})
  string(REGEX MATCH "^([^/]+)/" m "${f}")
  if(NOT m OR CMAKE_MATCH_1 STREQUAL "cli")
    continue()
  endif()
  set(layer ${CMAKE_MATCH_1})
  if(NOT DEFINED allow_${layer})
    string(APPEND errors "  src/${f}: folder src/${layer}/ has no row in tools/check-layers.cmake\n")
    continue()
  endif()
  file(STRINGS ${SRC}/${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${lines})
    string(REGEX MATCH "\"([^\"]+)\"" m "${line}")
    set(inc ${CMAKE_MATCH_1})
    string(REGEX MATCH "^([^/]+)/" m "${inc}")
    if(NOT m)
      continue()
    endif()
    set(target ${CMAKE_MATCH_1})
    if(f IN_LIST mail_worker_files)
      if(NOT target IN_LIST mail_worker_allowed)
        string(APPEND errors "  src/${f}: ${line} (the mail worker includes only ${mail_worker_allowed})\n")
      endif()
    elseif(f IN_LIST base_files)
      if(NOT inc IN_LIST base_allowed)
        string(APPEND errors "  src/${f}: ${line} (bis_base includes only its own headers)\n")
      endif()
    elseif(NOT target IN_LIST allow_${layer})
      string(APPEND errors "  src/${f}: ${line} (${layer}/ may include only ${allow_${layer}})\n")
    endif()
  endforeach()
endforeach()
# Handlers parse, call a feature module and reply: SQL lives in the feature
# modules (src/<layer>/<feature>.c), never in src/http/h_*.c.
file(GLOB handlers RELATIVE ${SRC} ${SRC}/http/h_*.c)
foreach(f ${handlers})
  file(STRINGS ${SRC}/${f} sql REGEX "\"[ ]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ")
  foreach(line ${sql})
    string(STRIP "${line}" line)
    string(APPEND errors "  src/${f}: ${line} (SQL belongs in a feature module, not a handler)\n")
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "Layer check: includes against the layering, or SQL in a handler (docs/ARCHITECTURE.md):\n${errors}")
endif()
file(WRITE ${OUT} "ok\n")
