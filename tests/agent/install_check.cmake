# Runs `cmake --install` into a DESTDIR under the build tree and checks the
# installed files. -DBUILD_DIR=... -DDEST=...
file(REMOVE_RECURSE ${DEST})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${DEST}
                        ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix /usr
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
set(expected
  usr/sbin/swanmeshd usr/sbin/swanmesh
  usr/lib/systemd/system/swanmeshd.service
  etc/swanmesh/swanmesh.yaml
  etc/swanmesh/policies/private etc/swanmesh/policies/private-or-clear
  etc/swanmesh/policies/clear-or-private etc/swanmesh/policies/clear
  etc/swanmesh/policies/block
  usr/share/man/man8/swanmeshd.8 usr/share/man/man8/swanmesh.8)
foreach(f ${expected})
  if(NOT EXISTS ${DEST}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(READ ${DEST}/usr/lib/systemd/system/swanmeshd.service unit)
foreach(want "ExecStart=/usr/sbin/swanmeshd --foreground" "Type=notify"
             "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE" "ProtectSystem=strict")
  string(FIND "${unit}" "${want}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "swanmeshd.service lacks '${want}'")
  endif()
endforeach()
string(FIND "${unit}" "@SBINDIR@" pos)
if(NOT pos EQUAL -1)
  message(FATAL_ERROR "swanmeshd.service still has @SBINDIR@")
endif()
file(READ ${DEST}/etc/swanmesh/swanmesh.yaml yaml)
foreach(key "node:" "control-socket:" "groups:" "private-or-clear:" "ike:" "retransmit:" "dnssec:" "log:")
  string(FIND "${yaml}" "${key}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "swanmesh.yaml lacks '${key}'")
  endif()
endforeach()
message(STATUS "install tree complete in ${DEST}")
