import './components/skylift-app.ts';
