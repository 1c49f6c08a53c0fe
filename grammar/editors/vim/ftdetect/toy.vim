" .toy files are toy scripts.
autocmd BufRead,BufNewFile *.toy setfiletype toy
