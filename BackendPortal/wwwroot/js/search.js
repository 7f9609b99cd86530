// Ctrl+K (Cmd+K on a Mac) focuses the global search box from anywhere on the page.
export function bindShortcut(box) {
    const onKey = e => {
        if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
            const input = box.querySelector('input');
            if (input) {
                e.preventDefault();
                input.focus();
                input.select();
            }
        }
    };
    document.addEventListener('keydown', onKey);
    // Tests (and anyone curious) can tell when the shortcut works: it is bound after the circuit starts.
    box.dataset.shortcut = 'ready';
    return { dispose: () => document.removeEventListener('keydown', onKey) };
}
