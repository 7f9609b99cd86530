// Pan and zoom for the dependency graph: wheel and drag, the toolbar buttons, and + - 0 and arrows on the canvas.
export function attach(container) {
    const state = { x: 0, y: 0, k: 1 };
    const viewport = () => container.querySelector('[data-graph-viewport]');
    const apply = () => viewport()?.setAttribute('transform', `translate(${state.x} ${state.y}) scale(${state.k})`);
    const zoom = (factor, cx, cy) => {
        const k = Math.min(8, Math.max(0.1, state.k * factor));
        const svg = container.querySelector('svg');
        if (svg && cx === undefined) {
            const box = svg.viewBox.baseVal;
            cx = box.width / 2;
            cy = box.height / 2;
        }
        state.x = cx - (cx - state.x) * (k / state.k);
        state.y = cy - (cy - state.y) * (k / state.k);
        state.k = k;
        apply();
    };
    const pan = (dx, dy) => {
        state.x += dx;
        state.y += dy;
        apply();
    };
    const reset = () => {
        state.x = 0;
        state.y = 0;
        state.k = 1;
        apply();
    };
    // Screen pixels to SVG user units, so a drag follows the pointer whatever the scale of the drawing.
    const toSvg = (clientX, clientY) => {
        const svg = container.querySelector('svg');
        const matrix = svg?.getScreenCTM();
        if (!matrix) {
            return { x: clientX, y: clientY };
        }
        const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
        return { x: point.x, y: point.y };
    };

    let drag = null;
    let dragged = false;
    const onWheel = e => {
        if (!e.target.closest('svg')) {
            return;
        }
        e.preventDefault();
        const p = toSvg(e.clientX, e.clientY);
        zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y);
    };
    const onDown = e => {
        if (e.button !== 0 || !e.target.closest('svg')) {
            return;
        }
        drag = { start: toSvg(e.clientX, e.clientY), x: state.x, y: state.y, moved: false };
        dragged = false;
    };
    const onMove = e => {
        if (!drag) {
            return;
        }
        const p = toSvg(e.clientX, e.clientY);
        const dx = p.x - drag.start.x;
        const dy = p.y - drag.start.y;
        if (!drag.moved && Math.hypot(dx, dy) < 4) {
            return;
        }
        drag.moved = true;
        // Positions are in the drawing's units (the svg's own matrix, not the viewport's), so the start state stays the reference.
        state.x = drag.x + dx;
        state.y = drag.y + dy;
        apply();
    };
    const onUp = () => {
        dragged = drag?.moved ?? false;
        drag = null;
    };
    // A drag that ends on a node is not a pick.
    const onClick = e => {
        if (dragged) {
            e.stopPropagation();
            e.preventDefault();
            dragged = false;
        }
    };
    const onKey = e => {
        const step = 60;
        const actions = {
            '+': () => zoom(1.25), '=': () => zoom(1.25), '-': () => zoom(0.8), '_': () => zoom(0.8), '0': reset,
            ArrowLeft: () => pan(step, 0), ArrowRight: () => pan(-step, 0), ArrowUp: () => pan(0, step), ArrowDown: () => pan(0, -step),
        };
        if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey || !actions[e.key]) {
            return;
        }
        e.preventDefault();
        actions[e.key]();
    };
    const onButton = e => {
        const action = e.target.closest('[data-graph-action]')?.getAttribute('data-graph-action');
        const actions = { 'zoom-in': () => zoom(1.25), 'zoom-out': () => zoom(0.8), reset };
        if (action && actions[action]) {
            e.preventDefault();
            actions[action]();
        }
    };

    container.addEventListener('wheel', onWheel, { passive: false });
    container.addEventListener('pointerdown', onDown);
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    container.addEventListener('click', onClick, true);
    container.addEventListener('click', onButton);
    container.addEventListener('keydown', onKey);
    return {
        reset,
        dispose() {
            container.removeEventListener('wheel', onWheel);
            container.removeEventListener('pointerdown', onDown);
            window.removeEventListener('pointermove', onMove);
            window.removeEventListener('pointerup', onUp);
            container.removeEventListener('click', onClick, true);
            container.removeEventListener('click', onButton);
            container.removeEventListener('keydown', onKey);
        },
    };
}
