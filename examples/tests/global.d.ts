/// <reference types="@tapedeck/widget/global" />
