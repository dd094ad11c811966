import './csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/views.css';
import './styles/themes.css';
import './styles/panel.css';

const root = document.getElementById('root');
if (!root) throw new Error('Stillroom: the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
