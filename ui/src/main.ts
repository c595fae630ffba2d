import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyTheme, savedTheme } from './lib/theme';

applyTheme(savedTheme());

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

export default mount(App, { target });
