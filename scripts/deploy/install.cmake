# What `cmake --install` lays out (docs/OPERATIONS.md, "Install"), included by the top-level
# CMakeLists.txt. With the prefix /usr (the .deb's):
#   /usr/bin/stagehub
#   /usr/share/stagehub/web          the pages and the vendored libraries they load
#   /usr/share/stagehub/programmes   the demo programme
#   /usr/share/doc/stagehub          README, OPERATIONS, copyright, changelog
#   /etc/stagehub/stagehub.conf      the shipped, commented configuration
#   /lib/systemd/system/stagehub.service
# The data folder /var/lib/stagehub is the unit's StateDirectory=, made by systemd.

set(STAGEHUB_DEPLOY_DIR ${CMAKE_CURRENT_LIST_DIR})
set(stagehub_share ${CMAKE_INSTALL_DATADIR}/stagehub)

# The pages: everything web/ serves at / (html, modules, styles, strings, and whatever a
# later page adds), not npm's files.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/ DESTINATION ${stagehub_share}/web
  PATTERN node_modules EXCLUDE PATTERN "package*.json" EXCLUDE)

# /vendor/ serves web/node_modules (server/app/application.cpp); only the files the pages
# load (grep -r /vendor/ web/*.mjs web/*.html) and the licences go along. They come from
# `npm ci` in web/ (scripts/setup); without it the install stops on the missing file.
set(stagehub_vendor ${PROJECT_SOURCE_DIR}/web/node_modules)
install(FILES ${stagehub_vendor}/hls.js/dist/hls.mjs ${stagehub_vendor}/hls.js/dist/hls.worker.js
  DESTINATION ${stagehub_share}/web/node_modules/hls.js/dist)
install(FILES ${stagehub_vendor}/hls.js/LICENSE
  DESTINATION ${stagehub_share}/web/node_modules/hls.js)
install(FILES ${stagehub_vendor}/uplot/dist/uPlot.esm.js ${stagehub_vendor}/uplot/dist/uPlot.min.css
  DESTINATION ${stagehub_share}/web/node_modules/uplot/dist)
install(FILES ${stagehub_vendor}/uplot/LICENSE DESTINATION ${stagehub_share}/web/node_modules/uplot)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/schedule/programmes/ DESTINATION ${stagehub_share}/programmes
  FILES_MATCHING PATTERN "*.json")

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
  ${STAGEHUB_DEPLOY_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# /etc and /lib/systemd are not below the prefix /usr: they are chosen when installing, from
# the prefix then in force (cpack and `cmake --install --prefix` change it after configure,
# so GNUInstallDirs' configure-time /usr -> /etc rule would not see it). Any other prefix
# keeps both below it. file(INSTALL) puts DESTDIR in front, as install() does.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(stagehub_etc /etc)
    set(stagehub_units /lib/systemd/system)
  else()
    set(stagehub_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
    set(stagehub_units \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
  endif()
  file(INSTALL DESTINATION \"\${stagehub_etc}/stagehub\" TYPE FILE
    FILES \"${STAGEHUB_DEPLOY_DIR}/stagehub.conf\")
  file(INSTALL DESTINATION \"\${stagehub_units}\" TYPE FILE
    FILES \"${STAGEHUB_DEPLOY_DIR}/stagehub.service\")
")
