# The Debian 12 package that scripts/package builds with CPack (docs/OPERATIONS.md,
# "Install"), included by the top-level CMakeLists.txt: the files of install.cmake, the
# stagehub system user made by the maintainer scripts, and the unit.

set(STAGEHUB_PACKAGE_CONTACT "stagehub maintainers <maintainers@stagehub.example.org>"
  CACHE STRING "Maintainer of the .deb (name <address>)")

# Debian wants a changelog in the package's doc folder and a manual page, compressed
# reproducibly (gzip -n).
string(TIMESTAMP stagehub_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${PROJECT_BINARY_DIR}/deploy/changelog
  "stagehub (${PROJECT_VERSION}) bookworm; urgency=medium\n\n"
  "  * Release ${PROJECT_VERSION}, commit ${STAGEHUB_COMMIT}.\n\n"
  " -- ${STAGEHUB_PACKAGE_CONTACT}  ${stagehub_changelog_date}\n")
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/deploy/changelog)
install(FILES ${PROJECT_BINARY_DIR}/deploy/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
configure_file(${STAGEHUB_DEPLOY_DIR}/stagehub.1 ${PROJECT_BINARY_DIR}/deploy/stagehub.1 COPYONLY)
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/deploy/stagehub.1)
install(FILES ${PROJECT_BINARY_DIR}/deploy/stagehub.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# cpack installs the built binary; it need not build the tests first (scripts/package
# builds the stagehub target, the package test runs after the whole build).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stagehub)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${STAGEHUB_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "hybrid theme days: programme, live broadcast and push")
set(CPACK_PACKAGE_DESCRIPTION
  "stagehub runs hybrid theme days and innovation weeks from one server: it holds
the programme, broadcasts every stage live to the web (GStreamer to HLS) and
pushes what is on now to every screen over a websocket. It runs as the systemd
service stagehub, configured in /etc/stagehub/stagehub.conf.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)  # with CPACK_SET_DESTDIR, the prefix installed into
# install.cmake puts /etc and /lib/systemd outside the prefix: stage through DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://stagehub.example.org/")
# The linked libraries (libwebsockets17, libsqlite3-0, libgstreamer1.0-0, ...) come from
# dpkg-shlibdeps; these are what is loaded at run time instead of linked: the lws GLib
# event plugin, the GStreamer plugins the pipelines name (docs/OPERATIONS.md lists which
# element needs which), the slate's font, the time zones, and adduser for the user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "adduser, libwebsockets-evlib-glib, gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, \
gstreamer1.0-plugins-bad, gstreamer1.0-plugins-ugly, gstreamer1.0-libav, gstreamer1.0-x, \
fonts-dejavu-core, tzdata")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${STAGEHUB_DEPLOY_DIR}/debian/conffiles ${STAGEHUB_DEPLOY_DIR}/debian/postinst
  ${STAGEHUB_DEPLOY_DIR}/debian/prerm ${STAGEHUB_DEPLOY_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
