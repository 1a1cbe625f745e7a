// The watch page's player controls (the #player-controls group of index.html): play/pause,
// mute and volume, quality, fullscreen, the unmute prompt, the player's message,
// and the keyboard shortcuts listed under "Keyboard". They drive a LivePlayer and its
// <video>, and show what the player reports through the render* functions the page
// passes the player's callbacks on to.
//
// isOffAir() is the page's word on whether the stage is off air: then the controls show no
// message or unmute prompt, announce no pause and take no shortcut.

import { el } from './agenda.mjs';

const $ = (id) => document.getElementById(id);

// Binds the controls to `player` (a LivePlayer) playing into `video`, with the page's
// `strings`. Returns what the page calls as the player reports:
//   renderState(playerState)  the player's state (LivePlayer's onstate)
//   renderLevels(levels)      the quality levels the stream offers (onlevels)
//   renderCurrentLevel(index) the level now playing (onlevel)
//   renderVolume()            the volume as the <video> has it
export function createPlayerControls({ player, video, strings, isOffAir }) {
  function renderPlayerState(playerState) {
    $('player').dataset.state = playerState;
    const message = {
      waiting: 'waiting',
      recovering: 'recovering',
      offline: 'offline',
      unsupported: 'unsupported',
    }[playerState];
    const shown = Boolean(message) && !isOffAir();
    $('player-message').hidden = !shown;
    $('player-message').textContent = shown ? strings.t(message) : '';
    $('player-message').dataset.kind = playerState === 'unsupported' ? 'error' : 'info';
    renderUnmute();
    renderPlayPause();
  }

  function renderUnmute() {
    $('unmute').hidden = !(video.muted && $('player').dataset.state === 'playing' && !isOffAir());
  }

  function renderPlayPause() {
    const paused = video.paused;
    $('play-pause').dataset.action = paused ? 'play' : 'pause';
    $('play-pause').setAttribute('aria-label', strings.t(paused ? 'play' : 'pause'));
    $('play-pause').title = `${strings.t(paused ? 'play' : 'pause')} (K)`;
  }

  function renderVolume() {
    const silent = video.muted || video.volume === 0;
    $('mute').dataset.muted = String(silent);
    $('mute').setAttribute('aria-label', strings.t(silent ? 'unmute_short' : 'mute'));
    $('mute').title = `${strings.t(silent ? 'unmute_short' : 'mute')} (M)`;
    $('volume').value = String(Math.round((video.muted ? 0 : video.volume) * 100));
    $('volume').setAttribute('aria-valuetext', `${$('volume').value} %`);
    renderUnmute();
  }

  function levelName(level) {
    if (level.audioOnly) return strings.t('quality_audio');
    return level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kbit/s`;
  }

  function renderLevels(levels) {
    const select = $('quality');
    const wanted = player.wantedLevel;
    select.replaceChildren(
      el('option', { value: '-1' }, strings.t('quality_auto')),
      ...levels.map((level) => el('option', { value: String(level.index) }, levelName(level))),
    );
    select.value = String(levels.some((level) => level.index === wanted) ? wanted : -1);
    select.disabled = levels.length < 2;
  }

  function renderCurrentLevel(index) {
    $('player').dataset.level = String(index);
    const auto = $('quality').querySelector('option[value="-1"]');
    const level = player.levels.find((l) => l.index === index);
    if (auto) {
      auto.textContent =
        player.wantedLevel < 0 && level
          ? strings.t('quality_auto_now', { level: levelName(level) })
          : strings.t('quality_auto');
    }
  }

  function announce(text) {
    $('player-announce').textContent = text;
  }

  function togglePlay() {
    if (video.paused) video.play().catch(() => {});
    else video.pause();
  }

  function toggleMute() {
    if (video.muted || video.volume === 0) {
      video.muted = false;
      if (video.volume === 0) video.volume = 0.5;
    } else {
      video.muted = true;
    }
  }

  function changeVolume(step) {
    const volume = Math.min(1, Math.max(0, Math.round((video.volume + step) * 20) / 20));
    video.volume = volume;
    video.muted = volume === 0;
    announce(`${strings.t('volume')} ${Math.round(volume * 100)} %`);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else
      $('player-shell')
        .requestFullscreen?.()
        .catch(() => {});
  }

  $('unmute').addEventListener('click', () => {
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    video.play().catch(() => {});
    video.focus();
  });
  $('play-pause').addEventListener('click', togglePlay);
  $('mute').addEventListener('click', toggleMute);
  $('volume').addEventListener('input', () => {
    const volume = Number($('volume').value) / 100;
    video.volume = volume;
    video.muted = volume === 0;
  });
  $('quality').addEventListener('change', () => {
    player.setLevel(Number($('quality').value));
    renderCurrentLevel(player.hls?.currentLevel ?? -1);
  });
  $('fullscreen').hidden = !document.fullscreenEnabled;
  $('fullscreen').addEventListener('click', toggleFullscreen);
  document.addEventListener('fullscreenchange', () => {
    const full = Boolean(document.fullscreenElement);
    $('fullscreen').setAttribute('aria-label', strings.t(full ? 'exit_fullscreen' : 'fullscreen'));
    $('fullscreen').title = `${strings.t(full ? 'exit_fullscreen' : 'fullscreen')} (F)`;
  });
  video.addEventListener('volumechange', renderVolume);
  video.addEventListener('play', () => {
    renderPlayPause();
  });
  video.addEventListener('pause', () => {
    renderPlayPause();
    if (!isOffAir()) announce(strings.t('pause'));
  });
  video.addEventListener('click', togglePlay);

  // Keyboard shortcuts (listed in the page under "Keyboard"): while focus is in the player,
  // or nowhere in particular (the page itself). Keys a focused control needs for itself
  // (space on a button, arrows in the quality list or on the volume slider) stay its own.
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || isOffAir()) return;
    const target = e.target;
    const inPlayer = $('player-shell').contains(target);
    if (!inPlayer && target !== document.body && target !== document.documentElement) return;
    const tag = target.tagName;
    const control = tag === 'BUTTON' || tag === 'SELECT' || tag === 'INPUT' || tag === 'A' || tag === 'SUMMARY';
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if ((key === ' ' && !control) || key === 'k') togglePlay();
    else if (key === 'm') toggleMute();
    else if (key === 'f') toggleFullscreen();
    else if ((key === 'ArrowUp' || key === 'ArrowDown') && tag !== 'SELECT' && tag !== 'INPUT') {
      changeVolume(key === 'ArrowUp' ? 0.1 : -0.1);
    } else return;
    e.preventDefault();
  }
  document.addEventListener('keydown', onKey);

  return {
    renderState: renderPlayerState,
    renderLevels,
    renderCurrentLevel,
    announce,
    renderVolume,
  };
}
